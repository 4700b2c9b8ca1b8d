/**
 * logflume/otel — OpenTelemetry integration: trace correlation
 * (`enableTraceCorrelation`), the Logs Bridge handler
 * (`OpenTelemetryHandler`, needs `@opentelemetry/api-logs`) and OTLP/HTTP
 * export without the SDK (`OTLPHandler`, no dependency). Importing this entry
 * loads no OpenTelemetry package; each feature requires its package when first used.
 * Registers both handlers for dictConfig as `logflume.otel.OTLPHandler` and
 * `logflume.otel.OpenTelemetryHandler`.
 */
import { registerClass, optionsArgs } from '../config/class-registry.js';
import { OTLPHandler } from './otlp-handler.js';
import { OpenTelemetryHandler } from './open-telemetry-handler.js';

export { enableTraceCorrelation, disableTraceCorrelation, isTraceCorrelationEnabled, type TraceFields } from './trace-correlation.js';
export { OpenTelemetryHandler, type OpenTelemetryHandlerOptions } from './open-telemetry-handler.js';
export { OTLPHandler, type OTLPHandlerOptions } from './otlp-handler.js';
export { severityNumberOf, recordAttributes, toOtelLog, type OtelLog, type OtelValue } from './otel-record.js';
export { encodeLogsProtobuf, encodeLogsJson } from './otlp.encode.js';

registerClass(
  ['logflume.otel.OTLPHandler', 'OTLPHandler'],
  OTLPHandler,
  optionsArgs([
    'endpoint:str',
    'protocol:str',
    'headers:object',
    'compression:str',
    'timeout:num',
    'serviceName:str',
    'resourceAttributes:object',
    'maxExportBatchSize:int',
    'scheduledDelayMillis:num',
    'maxQueueSize:int',
    'overflow:str',
    'maxRetries:int',
    'retryStart:num',
    'retryMax:num',
    'closeTimeout:num',
    'ca:any',
    'cert:any',
    'key:any',
    'rejectUnauthorized:bool',
    'codeAttributes:bool',
    'scopeVersion:str',
  ]),
);
registerClass(['logflume.otel.OpenTelemetryHandler', 'OpenTelemetryHandler'], OpenTelemetryHandler, optionsArgs(['loggerProvider:any', 'codeAttributes:bool', 'scopeVersion:str']));
