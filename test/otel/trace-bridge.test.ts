import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, SimpleLogRecordProcessor, InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { getLogger, Formatter, JsonFormatter, withContext, makeLogRecord, kw, DEBUG, INFO, WARNING, ERROR, CRITICAL, Handler, type LogRecord } from '../../src/index.js';
import { enableTraceCorrelation, disableTraceCorrelation, OpenTelemetryHandler, severityNumberOf } from '../../src/otel/index.js';
import { isolateLogging } from '../helpers/capture.js';

isolateLogging();

class ListHandler extends Handler {
  records: LogRecord[] = [];
  override emit(r: LogRecord): void {
    this.records.push(r);
  }
}

let seq = 0;
function freshLogger(h: Handler) {
  const log = getLogger(`otel.t${++seq}`);
  log.propagate = false;
  log.setLevel(DEBUG);
  log.addHandler(h);
  return log;
}

const contextManager = new AsyncLocalStorageContextManager();
const tracer = new BasicTracerProvider().getTracer('logflume-test');

before(() => {
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
});
after(() => {
  disableTraceCorrelation();
  context.disable();
});

describe('trace correlation', () => {
  test('trace correlation – records inside an active sdk-trace-base span carry its trace_id/span_id/trace_flags across await; none outside', async () => {
    enableTraceCorrelation();
    const h = new ListHandler();
    const log = freshLogger(h);
    log.info('before any span');
    let ids: { traceId: string; spanId: string } | null = null;
    await tracer.startActiveSpan('op', async (span) => {
      ids = span.spanContext();
      log.info('sync in span');
      await tick();
      await new Promise((r) => setTimeout(r, 1));
      log.info('after awaits');
      const child = tracer.startSpan('child');
      await context.with(trace.setSpan(context.active(), child), async () => {
        await tick();
        log.info('in child');
      });
      child.end();
      span.end();
    });
    log.info('after the span');
    const [a, b, c, d, e] = h.records as LogRecord[];
    assert.equal(a!.trace_id, undefined);
    assert.equal(b!.trace_id, ids!.traceId);
    assert.equal(b!.span_id, ids!.spanId);
    assert.equal(b!.trace_flags, '01');
    assert.match(String(b!.trace_id), /^[0-9a-f]{32}$/);
    assert.equal(c!.trace_id, ids!.traceId);
    assert.equal(c!.span_id, ids!.spanId);
    assert.equal(d!.trace_id, ids!.traceId, 'child span shares the trace');
    assert.notEqual(d!.span_id, ids!.spanId, 'child span has its own span id');
    assert.equal(e!.trace_id, undefined);
  });

  test('trace correlation – %(trace_id)s in a format, JsonFormatter fields, and context fields beside them', async () => {
    enableTraceCorrelation();
    const h = new ListHandler();
    const log = freshLogger(h);
    const fmt = new Formatter('%(trace_id)s %(span_id)s %(trace_flags)s %(requestId)s %(message)s');
    const json = new JsonFormatter();
    await tracer.startActiveSpan('op', async (span) => {
      await withContext({ requestId: 'r-1' }, async () => {
        await tick();
        log.warning('hello %s', 'world');
      });
      const sc = span.spanContext();
      const rec = h.records[0]!;
      assert.equal(fmt.format(rec), `${sc.traceId} ${sc.spanId} 01 r-1 hello world`);
      const obj = JSON.parse(json.format(rec)) as Record<string, unknown>;
      assert.equal(obj.trace_id, sc.traceId);
      assert.equal(obj.span_id, sc.spanId);
      assert.equal(obj.trace_flags, '01');
      assert.equal(obj.requestId, 'r-1');
      span.end();
    });
  });

  test('trace correlation – disableTraceCorrelation() stops stamping', async () => {
    enableTraceCorrelation();
    disableTraceCorrelation();
    const h = new ListHandler();
    const log = freshLogger(h);
    tracer.startActiveSpan('op', (span) => {
      log.info('x');
      span.end();
    });
    assert.equal(h.records[0]!.trace_id, undefined);
  });
});

describe('OpenTelemetryHandler (Logs Bridge API → sdk-logs)', () => {
  function sdk() {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    return { exporter, provider };
  }

  test('severityNumberOf – Python levels map to OpenTelemetry severity numbers (table of OpenTelemetry Python)', () => {
    assert.equal(severityNumberOf(DEBUG), SeverityNumber.DEBUG);
    assert.equal(severityNumberOf(INFO), SeverityNumber.INFO);
    assert.equal(severityNumberOf(WARNING), SeverityNumber.WARN);
    assert.equal(severityNumberOf(ERROR), SeverityNumber.ERROR);
    assert.equal(severityNumberOf(CRITICAL), SeverityNumber.FATAL);
    assert.equal(severityNumberOf(5), SeverityNumber.TRACE);
    assert.equal(severityNumberOf(21), SeverityNumber.INFO2);
    assert.equal(severityNumberOf(22), SeverityNumber.INFO3);
    assert.equal(severityNumberOf(25), SeverityNumber.INFO4);
    assert.equal(severityNumberOf(45), SeverityNumber.ERROR4);
    assert.equal(severityNumberOf(60), SeverityNumber.FATAL4);
  });

  test('OpenTelemetryHandler – severity, body, attributes (extra, context, code.*, exception.*), timestamp, scope and the active trace context reach the SDK exporter', async () => {
    const { exporter, provider } = sdk();
    const h = new OpenTelemetryHandler({ loggerProvider: provider });
    const log = freshLogger(h);
    let sc: { traceId: string; spanId: string } | null = null;
    await tracer.startActiveSpan('op', async (span) => {
      sc = span.spanContext();
      await withContext({ tenant: 'acme' }, async () => {
        await tick();
        log.error('failed %d times', 3, kw({ extra: { orderId: 42, tags: ['a', 'b'], nested: { ok: true } }, exc_info: new TypeError('bad thing') }));
      });
      span.end();
    });
    log.info('no span');
    const [r, r2] = exporter.getFinishedLogRecords();
    assert.ok(r && r2);
    assert.equal(r.severityNumber, SeverityNumber.ERROR);
    assert.equal(r.severityText, 'ERROR');
    assert.equal(r.body, 'failed 3 times');
    assert.equal(r.instrumentationScope.name, log.name);
    assert.equal(r.attributes.orderId, 42);
    assert.deepEqual(r.attributes.tags, ['a', 'b']);
    assert.deepEqual(r.attributes.nested, { ok: true });
    assert.equal(r.attributes.tenant, 'acme');
    assert.equal(r.attributes['exception.type'], 'TypeError');
    assert.equal(r.attributes['exception.message'], 'bad thing');
    assert.match(String(r.attributes['exception.stacktrace']), /TypeError: bad thing\n\s+at /);
    assert.equal(r.attributes['code.file.path'], import.meta.filename);
    assert.equal(typeof r.attributes['code.line.number'], 'number');
    assert.ok((r.attributes['code.line.number'] as number) > 0);
    assert.equal(r.spanContext?.traceId, sc!.traceId);
    assert.equal(r.spanContext?.spanId, sc!.spanId);
    assert.equal(r.spanContext?.traceFlags, 1);
    const ms = r.hrTime[0] * 1000 + r.hrTime[1] / 1e6;
    assert.ok(Math.abs(ms - Date.now()) < 60_000, 'timestamp is the record time');
    assert.equal(r2.spanContext, undefined);
    assert.equal(r2.severityNumber, SeverityNumber.INFO);
    await h.close();
  });

  test('OpenTelemetryHandler – a record carrying trace fields (from a queue or socket) is emitted with that trace context, not the active one', () => {
    const { exporter, provider } = sdk();
    const h = new OpenTelemetryHandler({ loggerProvider: provider, codeAttributes: false });
    const rec = makeLogRecord({ name: 'remote', msg: 'from afar', levelno: WARNING, levelname: 'WARNING', created: 1700000000.123, trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331', trace_flags: '01' });
    h.handle(rec);
    const [r] = exporter.getFinishedLogRecords();
    assert.equal(r!.spanContext?.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(r!.spanContext?.spanId, 'b7ad6b7169203331');
    assert.deepEqual(r!.hrTime, [1700000000, 123000000]);
    assert.equal(r!.attributes.trace_id, undefined, 'trace fields are not duplicated as attributes');
    assert.equal(r!.attributes['code.file.path'], undefined);
  });
});
