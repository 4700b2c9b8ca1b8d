import type * as OtelApi from '@opentelemetry/api';
import type * as OtelLogsApi from '@opentelemetry/api-logs';
import { Handler } from '../handler.js';
import { NOTSET, type Level } from '../levels.js';
import type { LogRecord } from '../log-record.js';
import { callerInfo } from '../internal/caller.js';
import { recordAttributes, recordTimeMs, recordTraceContext, severityNumberOf } from './otel-record.js';
import { requireOptional } from './optional-require.js';

/** Options of {@link OpenTelemetryHandler}. */
export interface OpenTelemetryHandlerOptions {
  /** The LoggerProvider to emit through (default: the global one, `logs.getLoggerProvider()`, looked up per record until one is set). */
  loggerProvider?: OtelLogsApi.LoggerProvider;
  /**
   * Send `code.file.path`, `code.function.name`, `code.line.number` (default
   * true). Turning it on makes log calls capture their caller, as a format
   * with `%(lineno)d` does; false saves that stack capture.
   */
  codeAttributes?: boolean;
  /** Instrumentation scope version reported with every logger name. */
  scopeVersion?: string;
  level?: Level;
  /** Use these copies of the packages instead of requiring them (bundles). */
  api?: typeof OtelApi;
  logsApi?: typeof OtelLogsApi;
}

/**
 * A handler that emits every record through the OpenTelemetry Logs Bridge API
 * (`@opentelemetry/api-logs`), the API OpenTelemetry asks logging libraries to
 * target: an application that configures `@opentelemetry/sdk-logs` or
 * `sdk-node` (any processor, any exporter) receives logflume's records with
 *
 * - severityNumber from the Python level (see {@link severityNumberOf}) and severityText = levelname;
 * - body = the formatted message (`getMessage()`, or the handler's formatter output when one is set);
 * - attributes = extra and context fields, `code.*` from the caller, `exception.*` from `exc_info`;
 * - timestamp = the record's `created`;
 * - trace context = the record's `trace_id`/`span_id`/`trace_flags` when it carries them
 *   (a record from a queue or socket), else the context active at the log call.
 *
 * The instrumentation scope is the logger name. The packages are required
 * when the handler is constructed (a missing one throws a LoggingError naming it).
 */
export class OpenTelemetryHandler extends Handler {
  /** The provider given at construction, or null for the global one. */
  readonly loggerProvider: OtelLogsApi.LoggerProvider | null;
  /** Whether `code.*` attributes are sent. */
  readonly codeAttributes: boolean;
  readonly scopeVersion: string | undefined;
  readonly #api: typeof OtelApi;
  readonly #logsApi: typeof OtelLogsApi;
  readonly #loggers = new Map<string, OtelLogsApi.Logger>();
  #providerSeen: OtelLogsApi.LoggerProvider | null = null;

  constructor(options: OpenTelemetryHandlerOptions = {}) {
    super(options.level ?? NOTSET);
    this.#logsApi = options.logsApi ?? requireOptional<typeof OtelLogsApi>('@opentelemetry/api-logs', 'OpenTelemetryHandler');
    this.#api = options.api ?? requireOptional<typeof OtelApi>('@opentelemetry/api', 'OpenTelemetryHandler');
    this.loggerProvider = options.loggerProvider ?? null;
    this.codeAttributes = options.codeAttributes ?? true;
    this.scopeVersion = options.scopeVersion;
    if (this.codeAttributes) callerInfo.usedByFormat = true;
  }

  /** The OpenTelemetry Logger for a logflume logger name (cached; the global provider is re-read so a later registration is seen). */
  getOtelLogger(name: string): OtelLogsApi.Logger {
    const provider = this.loggerProvider ?? this.#logsApi.logs.getLoggerProvider();
    if (provider !== this.#providerSeen) {
      this.#loggers.clear();
      this.#providerSeen = provider;
    }
    let lg = this.#loggers.get(name);
    if (lg === undefined) {
      lg = provider.getLogger(name, this.scopeVersion);
      if (this.#loggers.size < 4096) this.#loggers.set(name, lg);
    }
    return lg;
  }

  /** The body: the formatter's output when one was set, else the merged message. */
  bodyOf(record: LogRecord): string {
    return this.formatter !== null ? this.format(record) : record.getMessage();
  }

  override emit(record: LogRecord): void {
    const body = this.bodyOf(record);
    const tc = recordTraceContext(record);
    let ctx: OtelApi.Context | undefined;
    if (tc !== null) {
      const api = this.#api;
      ctx = api.trace.setSpanContext(api.ROOT_CONTEXT, { traceId: tc.traceId, spanId: tc.spanId, traceFlags: tc.flags, isRemote: true });
    }
    const name = typeof record.name === 'string' ? record.name : String(record.name);
    const out: OtelLogsApi.LogRecord = {
      timestamp: recordTimeMs(record),
      severityNumber: severityNumberOf(record.levelno) as OtelLogsApi.SeverityNumber,
      severityText: record.levelname,
      body,
      attributes: recordAttributes(record, this.codeAttributes) as OtelLogsApi.LogAttributes,
    };
    // only when set: the SDK spreads the record over its active-context default
    if (ctx !== undefined) out.context = ctx;
    this.getOtelLogger(name).emit(out);
  }

  /** Flush the provider given at construction when it can (the SDK's `forceFlush`). */
  override async flush(): Promise<void> {
    const p = this.loggerProvider as { forceFlush?: () => Promise<void> } | null;
    if (p !== null && typeof p.forceFlush === 'function') {
      try {
        await p.forceFlush();
      } catch (e) {
        this.handleError(null, e);
      }
    }
  }
}
