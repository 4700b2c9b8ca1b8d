/**
 * Trace correlation: while enabled, every record logged inside an active
 * OpenTelemetry span carries `trace_id` (32 hex digits), `span_id` (16) and
 * `trace_flags` (2, e.g. "01") — the names of the OpenTelemetry log data model
 * and `@opentelemetry/instrumentation-pino`. They are plain record attributes,
 * so `%(trace_id)s`, JsonFormatter, the worker queue and the network handlers
 * carry them like any context field.
 *
 * `@opentelemetry/api` is loaded on the first `enableTraceCorrelation()` call,
 * never by `import 'logflume'`; until then the cost per record is the one null
 * check Logger already makes for context fields.
 */
import type * as OtelApi from '@opentelemetry/api';
import { setTraceProvider } from '../internal/runtime.js';
import { requireOptional } from './optional-require.js';

/** What a record gets from the active span. */
export interface TraceFields {
  trace_id: string;
  span_id: string;
  trace_flags: string;
}

let enabled = false;

/**
 * Stamp the active span's ids on every record from now on (idempotent).
 * Pass `api` to use a particular copy of `@opentelemetry/api` (a bundle);
 * otherwise it is required lazily, and a missing package throws a
 * LoggingError naming it. A context field of the same name set with
 * `withContext` wins over the span's.
 */
export function enableTraceCorrelation(options: { api?: typeof OtelApi } = {}): void {
  const api = options.api ?? requireOptional<typeof OtelApi>('@opentelemetry/api', 'Trace correlation');
  const { trace, context, isSpanContextValid } = api;
  // A span's spanContext() is the same object for the span's life: a record
  // logged in the same span as the previous one reuses its fields object.
  let lastSc: OtelApi.SpanContext | null = null;
  let lastFields: TraceFields | undefined;
  setTraceProvider(() => {
    const span = trace.getSpan(context.active());
    if (span === undefined) return undefined;
    const sc = span.spanContext();
    if (sc === lastSc) return lastFields as unknown as Record<string, unknown> | undefined;
    lastSc = sc;
    lastFields = isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: flagsHex(sc.traceFlags) } : undefined;
    return lastFields as unknown as Record<string, unknown> | undefined;
  });
  enabled = true;
}

/** Stop stamping trace fields (records already made keep theirs). */
export function disableTraceCorrelation(): void {
  setTraceProvider(null);
  enabled = false;
}

/** Whether trace correlation is on. */
export function isTraceCorrelationEnabled(): boolean {
  return enabled;
}

function flagsHex(flags: number): string {
  const f = flags & 0xff;
  return f < 16 ? `0${f.toString(16)}` : f.toString(16);
}
