import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { getLogger, makeLogRecord, DEBUG, INFO, ERROR, WARNING, ConfigError, type LogRecord } from '../../src/index.js';
import { dictConfig } from '../../src/config/index.js';
import { OTLPHandler, OpenTelemetryHandler } from '../../src/otel/index.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { makeTestCert } from '../http/tls-cert.js';
import { OtlpReceiver, bodies } from './otlp-receiver.js';
import protobuf from 'protobufjs';

isolateLogging();

/** The same records for both senders: a range of levels, extras of every AnyValue kind, an exception, trace context, two scopes. */
function sampleRecords(): LogRecord[] {
  const created = 1767225600.125;
  const err = new RangeError('out of range');
  return [
    makeLogRecord({ name: 'app.db', msg: 'query took %d ms', args: [12], levelno: INFO, levelname: 'INFO', created, pathname: '/srv/app/db.js', lineno: 42, funcName: 'query', rows: 3, ratio: 0.5, ok: true, neg: -7, big: 2 ** 40, tags: ['x', 'y'], meta: { region: 'eu', n: 1 } }),
    makeLogRecord({ name: 'app.http', msg: 'request failed', levelno: ERROR, levelname: 'ERROR', created: created + 0.001, exc_info: err, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', trace_flags: '01', 'http.route': '/orders/:id' }),
    makeLogRecord({ name: 'app.db', msg: 'ünïcödé ✓ "quoted"\nline 2', levelno: WARNING, levelname: 'WARNING', created: created + 1.5 }),
    makeLogRecord({ name: 'app.db', msg: 'x'.repeat(300), levelno: DEBUG, levelname: 'DEBUG', created: created + 2 }),
  ];
}

const RESOURCE = { 'service.name': 'checkout', 'deployment.environment.name': 'test', 'service.instance.id': 'i-1' };

/**
 * Drop what legitimately differs between two senders: when each observed the
 * record, and a droppedAttributesCount of 0, which the official writer sends
 * and we omit — in proto3 a zero scalar and an absent one are the same value.
 */
function normalise(req: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(req, (k, v) => (k === 'observedTimeUnixNano' || (k === 'droppedAttributesCount' && v === 0) ? undefined : v)));
}

async function viaSdk(kind: 'proto' | 'json', url: string, records: LogRecord[]): Promise<void> {
  const exporter = kind === 'proto' ? new ProtoExporter({ url }) : new JsonExporter({ url });
  const provider = new LoggerProvider({ resource: resourceFromAttributes(RESOURCE), processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 100 })] });
  const h = new OpenTelemetryHandler({ loggerProvider: provider, codeAttributes: true });
  for (const r of records) h.handle(r);
  await provider.forceFlush();
  await provider.shutdown();
}

async function viaLogflume(protocol: 'http/protobuf' | 'http/json', url: string, records: LogRecord[]): Promise<OTLPHandler> {
  const h = new OTLPHandler({ endpoint: url, protocol, serviceName: 'checkout', resourceAttributes: { 'deployment.environment.name': 'test', 'service.instance.id': 'i-1' }, env: {} });
  for (const r of records) h.handle(r);
  await h.close();
  return h;
}

describe('OTLPHandler', () => {
  for (const [protocol, kind] of [
    ['http/protobuf', 'proto'],
    ['http/json', 'json'],
  ] as const) {
    test(`OTLPHandler ${protocol} – the request decodes with the OTLP schema and equals, field by field, what the official exporter sends for the same records`, async () => {
      const rx = new OtlpReceiver();
      const url = await rx.listen();
      try {
        const records = sampleRecords();
        await viaSdk(kind, url, records);
        const h = await viaLogflume(protocol, url, records);
        assert.equal(rx.accepted.length, 2);
        const [official, ours] = rx.decoded();
        if (process.env.OTLP_DUMP) { (await import('node:fs')).writeFileSync(`/tmp/otlp-${kind}-ours.json`, JSON.stringify(normalise(ours!), null, 1)); (await import('node:fs')).writeFileSync(`/tmp/otlp-${kind}-official.json`, JSON.stringify(normalise(official!), null, 1)); }
        assert.deepEqual(normalise(ours!), normalise(official!));
        assert.equal(rx.accepted[1]!.path, '/v1/logs');
        assert.equal(rx.accepted[1]!.headers['content-type'], kind === 'proto' ? 'application/x-protobuf' : 'application/json');
        assert.equal(h.sent, 4);
        // spot checks that the comparison is about something
        const lr = ((ours!.resourceLogs as any)[0].scopeLogs[1].logRecords[0]) as Record<string, any>;
        assert.equal(lr.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
        assert.equal(lr.severityNumber, 17);
        assert.equal(lr.attributes.find((a: any) => a.key === 'exception.type').value.stringValue, 'RangeError');
        assert.equal((ours!.resourceLogs as any)[0].scopeLogs[0].logRecords[0].timeUnixNano, '1767225600125000000');
        assert.ok(BigInt((ours!.resourceLogs as any)[0].scopeLogs[0].logRecords[0].observedTimeUnixNano) > 1767225600125000000n);
      } finally {
        await rx.close();
      }
    });
  }

  test('OTLPHandler – 503 with Retry-After, a dropped connection and a stalled request are retried: every record arrives once, in order, retries counted', async () => {
    const rx = new OtlpReceiver();
    const url = await rx.listen();
    rx.script = [{ status: 503, headers: { 'Retry-After': '0' } }, 'close', 'stall', { status: 429 }];
    const h = new OTLPHandler({ endpoint: url, maxExportBatchSize: 5, scheduledDelayMillis: 5, retryStart: 10, timeout: 1500, maxRetries: 6, codeAttributes: false, env: {} });
    const log = getLogger('otlp.retry');
    log.propagate = false;
    log.addHandler(h);
    log.setLevel(INFO);
    try {
      for (let i = 0; i < 23; i++) log.info('seq %d', i);
      await h.flush();
      assert.deepEqual(bodies(rx.decoded()), Array.from({ length: 23 }, (_, i) => `seq ${i}`));
      assert.equal(h.retries, 4);
      assert.equal(h.sent, 23);
      assert.equal(h.failed + h.dropped, 0);
      assert.equal(rx.seen, 5 + 4, 'five batches plus four retried requests');
    } finally {
      await h.close();
      await rx.close();
    }
  });

  test('OTLPHandler – Retry-After sets the retry delay (capped by retryMax); a 400 is not retried and is counted and reported', async () => {
    const rx = new OtlpReceiver();
    const url = await rx.listen();
    rx.script = [{ status: 429, headers: { 'Retry-After': '2' } }];
    const h = new OTLPHandler({ endpoint: url, retryStart: 1, retryMax: 50, codeAttributes: false, env: {} });
    try {
      h.handle(makeLogRecord({ name: 'a', msg: 'one', levelno: INFO, levelname: 'INFO' }));
      await h.flush();
      assert.equal(h.lastRetryDelay, 50, 'Retry-After 2 s capped by retryMax 50 ms');
      assert.equal(h.sent, 1);
      rx.script = [{ status: 400 }];
      const err = await captureStderr(async () => {
        h.handle(makeLogRecord({ name: 'a', msg: 'two', levelno: INFO, levelname: 'INFO' }));
        await h.flush();
      });
      assert.equal(h.failed, 1);
      assert.equal(h.retries, 1);
      assert.match(err, /1 record\(s\) not delivered .* HTTP 400/);
    } finally {
      await h.close();
      await rx.close();
    }
  });

  test('OTLPHandler – a 200 with partial_success (protobuf and JSON): rejected records are counted and reported, not retried, the rest counted sent', async () => {
    const rx = new OtlpReceiver();
    const url = await rx.listen();
    // ExportLogsServiceResponse { partial_success (1) { rejected_log_records (1): 3, error_message (2) } }, written by protobufjs
    const proto = Buffer.from(protobuf.Writer.create().uint32((1 << 3) | 2).fork().uint32((1 << 3) | 0).int64(3).uint32((2 << 3) | 2).string('attribute too long').ldelim().finish());
    const json = JSON.stringify({ partialSuccess: { rejectedLogRecords: '2', errorMessage: 'quota' } });
    try {
      for (const [protocol, body, rejected, msg] of [
        ['http/protobuf', proto, 3, 'attribute too long'],
        ['http/json', json, 2, 'quota'],
      ] as const) {
        rx.script = [{ status: 200, body }];
        const h = new OTLPHandler({ endpoint: url, protocol, maxExportBatchSize: 5, codeAttributes: false, env: {} });
        try {
          const before = rx.seen;
          const err = await captureStderr(async () => {
            for (let i = 0; i < 5; i++) h.handle(makeLogRecord({ name: 'a', msg: `r${i}`, levelno: INFO, levelname: 'INFO' }));
            await h.flush();
          });
          assert.equal(rx.seen - before, 1, `${protocol}: not retried`);
          assert.equal(h.rejected, rejected, protocol);
          assert.equal(h.sent, 5 - rejected, protocol);
          assert.equal(h.retries, 0);
          assert.match(err, new RegExp(`rejected ${rejected} of 5 record\\(s\\): ${msg}`), protocol);
          // a 200 whose body is not an OTLP message (a proxy's page) is not read as one
        rx.script = [{ status: 200, headers: { 'Content-Type': 'text/html' }, body: Buffer.from([0x0a, 0x02, 0x08, 0x05]) }];
        const html = await captureStderr(async () => {
          h.handle(makeLogRecord({ name: 'a', msg: 'via proxy', levelno: INFO, levelname: 'INFO' }));
          await h.flush();
        });
        assert.equal(html, '');
        assert.equal(h.rejected, rejected, 'bytes that would decode as rejected_log_records 5 are ignored under text/html');
        // an empty 200 body (the usual answer) reports nothing
          const quiet = await captureStderr(async () => {
            h.handle(makeLogRecord({ name: 'a', msg: 'ok', levelno: INFO, levelname: 'INFO' }));
            await h.flush();
          });
          assert.equal(quiet, '');
          assert.equal(h.rejected, rejected);
        } finally {
          await h.close();
        }
      }
    } finally {
      await rx.close();
    }
  });

  test('OTLPHandler – a full backlog drops by the declared policy, counts and reports it; drop-oldest keeps the newest', async () => {
    for (const overflow of ['drop-new', 'drop-oldest'] as const) {
      const rx = new OtlpReceiver();
      const url = await rx.listen();
      rx.script = ['stall'];
      const h = new OTLPHandler({ endpoint: url, maxExportBatchSize: 1, maxQueueSize: 3, overflow, timeout: 1500, retryStart: 1, codeAttributes: false, env: {} });
      try {
        const err = await captureStderr(async () => {
          for (let i = 0; i < 10; i++) h.handle(makeLogRecord({ name: 'a', msg: `m${i}`, levelno: INFO, levelname: 'INFO' }));
          await h.flush();
        });
        assert.equal(h.dropped, 6, overflow);
        assert.match(err, /backlog full \(maxQueueSize 3\)/);
        assert.deepEqual(bodies(rx.decoded()), overflow === 'drop-new' ? ['m0', 'm1', 'm2', 'm3'] : ['m0', 'm7', 'm8', 'm9']);
        assert.equal(h.sent, 4);
      } finally {
        await h.close();
        await rx.close();
      }
    }
  });

  test('OTLPHandler – OTEL_EXPORTER_OTLP_* variables: endpoint, headers, gzip, timeout; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; options win', async () => {
    const rx = new OtlpReceiver();
    const url = await rx.listen();
    const base = url.replace(/\/v1\/logs$/, '');
    const h = new OTLPHandler({
      codeAttributes: false,
      headers: { 'x-b': 'option' },
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: base,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-a=one%20two,x-b=env',
        OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: 'gzip',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'billing',
        OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,host.name=box%201,team=core',
      },
    });
    try {
      assert.equal(h.settings.timeout, 10000);
      h.handle(makeLogRecord({ name: 'a', msg: 'hi', levelno: INFO, levelname: 'INFO' }));
      await h.flush();
      const r = rx.accepted[0]!;
      assert.equal(r.path, '/v1/logs');
      assert.equal(r.headers['content-encoding'], 'gzip');
      assert.equal(r.headers['x-a'], 'one two');
      assert.equal(r.headers['x-b'], 'option');
      const res = (rx.decoded()[0]!.resourceLogs as any)[0].resource.attributes as { key: string; value: { stringValue: string } }[];
      assert.deepEqual(Object.fromEntries(res.map((a) => [a.key, a.value.stringValue])), { 'service.name': 'billing', 'host.name': 'box 1', team: 'core' });
    } finally {
      await h.close();
      await rx.close();
    }
  });

  test('OTLPHandler – https with the CA given (OTEL_EXPORTER_OTLP_CERTIFICATE-style), refused without it', async () => {
    const cert = makeTestCert();
    const rx = new OtlpReceiver(cert);
    const url = await rx.listen();
    const ok = new OTLPHandler({ endpoint: url, ca: cert.cert, codeAttributes: false, env: {} });
    const bad = new OTLPHandler({ endpoint: url, maxRetries: 0, codeAttributes: false, env: {} });
    try {
      ok.handle(makeLogRecord({ name: 'a', msg: 'secure', levelno: INFO, levelname: 'INFO' }));
      await ok.flush();
      assert.deepEqual(bodies(rx.decoded()), ['secure']);
      const err = await captureStderr(async () => {
        bad.handle(makeLogRecord({ name: 'a', msg: 'unverified', levelno: INFO, levelname: 'INFO' }));
        await bad.flush();
      });
      assert.equal(bad.failed, 1);
      assert.match(err, /self.signed|certificate/i);
      assert.equal(rx.accepted.length, 1);
    } finally {
      await ok.close();
      await bad.close();
      await rx.close();
    }
  });

  test('OTLPHandler – configuration errors name the option and the accepted values', () => {
    assert.throws(() => new OTLPHandler({ protocol: 'grpc' as 'http/json', env: {} }), (e: unknown) => e instanceof ConfigError && /protocol .*'http\/protobuf' or 'http\/json'/.test(e.message));
    assert.throws(() => new OTLPHandler({ env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' } }), /compression \(OTEL_EXPORTER_OTLP_COMPRESSION\): expected 'gzip' or 'none'/);
    assert.throws(() => new OTLPHandler({ overflow: 'block' as 'drop-new', env: {} }), /overflow: expected 'drop-new' or 'drop-oldest'/);
    assert.throws(() => new OTLPHandler({ endpoint: 'ftp://x', env: {} }), /endpoint: expected an http:\/\/ or https:\/\/ URL/);
  });

  test('OTLPHandler – built by dictConfig as logflume.otel.OTLPHandler; close() drains', async () => {
    const rx = new OtlpReceiver();
    const url = await rx.listen();
    try {
      dictConfig({
        version: 1,
        handlers: { otlp: { class: 'logflume.otel.OTLPHandler', endpoint: url, protocol: 'http/json', serviceName: 'cfg', codeAttributes: false, scheduledDelayMillis: 60000 } },
        loggers: { 'otlp.cfg': { handlers: ['otlp'], level: 'INFO', propagate: false } },
      });
      const log = getLogger('otlp.cfg');
      const h = log.handlers[0] as OTLPHandler;
      assert.ok(h instanceof OTLPHandler);
      log.info('configured %s', 'by dict');
      assert.equal(rx.accepted.length, 0, 'waiting for its batch timer');
      await h.close();
      assert.deepEqual(bodies(rx.decoded()), ['configured by dict']);
    } finally {
      await rx.close();
    }
  });
});
