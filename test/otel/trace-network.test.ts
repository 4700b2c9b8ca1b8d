import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, SimpleLogRecordProcessor, InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { getLogger, INFO, LoggingError } from '../../src/index.js';
import { SocketHandler, DatagramHandler } from '../../src/handlers/index.js';
import { enableTraceCorrelation, disableTraceCorrelation, OpenTelemetryHandler } from '../../src/otel/index.js';
import { requireOptional } from '../../src/otel/optional-require.js';
import { isolateLogging } from '../helpers/capture.js';
import { collectOn, startReceiver, waitFor } from '../network/_util.js';

isolateLogging();
const repo = join(import.meta.dirname, '..', '..');
const cm = new AsyncLocalStorageContextManager();
const tracer = new BasicTracerProvider().getTracer('net');
before(() => {
  cm.enable();
  context.setGlobalContextManager(cm);
  enableTraceCorrelation();
});
after(() => {
  disableTraceCorrelation();
  context.disable();
});

describe('trace fields over the network handlers', () => {
  for (const format of ['compact', 'json', 'pickle'] as const) {
    test(`SocketHandler (${format}) – trace_id/span_id/trace_flags reach the receiver, and the bridge re-emits them as the record's trace context`, async () => {
      const { sink } = collectOn(`tnrx${format}`);
      const rx = await startReceiver({ tcp: 0, udp: 0, logname: `tnrx${format}` });
      const exporter = new InMemoryLogRecordExporter();
      const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
      const bridge = new OpenTelemetryHandler({ loggerProvider: provider, codeAttributes: false });
      try {
        const log = getLogger(`tn${format}.sender`);
        const sock = new SocketHandler('127.0.0.1', rx.addresses.tcp!.port, { format });
        const dgram = new DatagramHandler('127.0.0.1', rx.addresses.udp!.port, { format });
        log.addHandler(sock);
        log.addHandler(dgram);
        log.setLevel(INFO);
        let sc = { traceId: '', spanId: '' };
        await tracer.startActiveSpan('send', async (span) => {
          sc = span.spanContext();
          await Promise.resolve();
          log.info('over the wire');
          span.end();
        });
        log.removeHandler(sock);
        log.removeHandler(dgram);
        await sock.close();
        await dgram.close();
        await waitFor(() => sink.records.length >= 2, 15_000, `2 records (have ${sink.records.length})`);
        assert.equal(sink.records.length, 2, sink.records.map((r) => `${r.name}: ${r.getMessage()}`).join(' | '));
        for (const r of sink.records) {
          assert.equal(r.trace_id, sc.traceId);
          assert.equal(r.span_id, sc.spanId);
          assert.equal(r.trace_flags, '01');
          // the receiving side has no active span: the bridge takes the ids from the record
          bridge.handle(r);
        }
        for (const lr of exporter.getFinishedLogRecords()) {
          assert.equal(lr.spanContext?.traceId, sc.traceId);
          assert.equal(lr.spanContext?.spanId, sc.spanId);
        }
        assert.equal(exporter.getFinishedLogRecords().length, 2);
      } finally {
        await rx.close();
      }
    });
  }
});

describe('optional packages', () => {
  test("import 'logflume' and 'logflume/otel' load no @opentelemetry (or other third-party) package until a feature is used", () => {
    const probe = join(repo, 'test', 'fixtures', 'otel', 'load-probe.mjs');
    const r = spawnSync(process.execPath, ['--import', 'tsx', probe, join(repo, 'src', 'index.ts'), join(repo, 'src', 'otel', 'index.ts')], { cwd: repo, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { afterImport: string[]; afterEnable: boolean };
    assert.deepEqual(out.afterImport, []);
    assert.equal(out.afterEnable, true, 'the probe does see the package once it is required');
  });

  test('a missing optional package is a LoggingError naming the package to install', () => {
    assert.throws(
      () => requireOptional('@opentelemetry/not-a-package', 'Trace correlation'),
      (e: unknown) => e instanceof LoggingError && e.message === 'Trace correlation needs the optional package @opentelemetry/not-a-package: npm install @opentelemetry/not-a-package',
    );
  });
});
