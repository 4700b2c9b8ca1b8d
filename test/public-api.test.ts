/**
 * The public API, pinned: every package.json entry point's runtime exports and
 * the type names its barrel re-exports. A change here is an API change — review
 * it as one. To update after adding or removing an export on purpose, copy the
 * block the failure prints for that entry point into PINNED.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { entryPoints, surfaceOf, typeExports, type Surface } from './helpers/public-api.js';

const PINNED: Record<string, Surface> = {
  '.': {
    values: [
      'BufferingFormatter', 'CRITICAL', 'ColorFormatter', 'ConfigError', 'DEBUG', 'ERROR', 'FATAL', 'FileHandler',
      'Filter', 'Filterer', 'Formatter', 'Handler', 'INFO', 'JsonFormatter', 'LevelError', 'LogKw', 'LogRecord',
      'Logger', 'LoggerAdapter', 'LoggingError', 'Manager', 'NOTSET', 'NullHandler', 'PlaceHolder', 'REMOVED',
      'RedactingFilter', 'Redactor', 'RootLogger', 'SENSITIVE_HEADERS', 'StderrHandler', 'StreamHandler', 'WARN',
      'WARNING', 'addLevelName', 'basicConfig', 'bindContext', 'checkLevel', 'critical', 'debug', 'disable', 'error',
      'exception', 'fatal', 'flushOnSignals', 'flushSync', 'getContext', 'getLevelName', 'getLevelNamesMapping',
      'getLogRecordFactory', 'getLogger', 'getLoggerClass', 'gmtime', 'info', 'isRequestLike', 'isResponseLike', 'kw',
      'localtime', 'log', 'makeLogRecord', 'redactionPatterns', 'registerSerializer', 'root', 'serializeErr',
      'serializeRequest', 'serializeResponse', 'setCallerInfo', 'setLogRecordFactory', 'setLoggerClass', 'settings',
      'shutdown', 'stdSerializers', 'strftime', 'tzset', 'updateContext', 'warn', 'warning', 'withContext',
    ],
    types: [
      'BasicConfigOptions', 'Censor', 'ColorFormatterOptions', 'ContextFields', 'Converter', 'FileHandlerOptions',
      'FilterLike', 'FormatStyle', 'FormatterLike', 'FormatterOptions', 'HttpSerializerOptions',
      'JsonFormatterOptions', 'JsonTimeFormat', 'Level', 'LogOptions', 'LogRecordFactory', 'LoggerClass',
      'MessagePattern', 'RedactorOptions', 'Serializer', 'ShutdownOptions', 'ShutdownResult', 'StructTime', 'TtyLike',
      'UndeliveredRecords', 'WritableLike',
    ],
  },
  './handlers': {
    values: [
      'BaseRotatingHandler', 'BufferingHandler', 'DEFAULT_HTTP_LOGGING_PORT', 'DEFAULT_SOAP_LOGGING_PORT',
      'DEFAULT_TCP_LOGGING_PORT', 'DEFAULT_UDP_LOGGING_PORT', 'DatagramHandler', 'Empty', 'Full', 'GzipRotator',
      'HTTPHandler', 'HTTPLogReceiver', 'LogRecordReceiver', 'MemoryHandler', 'NTEventLogHandler', 'ProtocolError',
      'Queue', 'QueueHandler', 'QueueListener', 'RotatingFileHandler', 'SMTPHandler', 'ST_DEV', 'ST_INO', 'ST_MTIME',
      'SYSLOG_TCP_PORT', 'SYSLOG_TLS_PORT', 'SYSLOG_UDP_PORT', 'SocketHandler', 'SysLogHandler',
      'TimedRotatingFileHandler', 'WatchedFileHandler', 'WorkerQueueListener', 'nodeRotationFs',
    ],
    types: [
      'AtTime', 'BaseRotatingHandlerOptions', 'DatagramHandlerOptions', 'DecodeOptions', 'DequeueLike',
      'DictHandlerSpec', 'GzipRotatorOptions', 'HTTPContext', 'HTTPHandlerOptions', 'HTTPLogReceiverOptions',
      'HTTPLogReceiverStats', 'HandlerLike', 'HandlerSpec', 'LogRecordReceiverOptions', 'MemoryHandlerOptions',
      'ModuleHandlerSpec', 'NTEvent', 'NTEventLogHandlerOptions', 'Namer', 'OverflowPolicy', 'PickleLimits',
      'PlainValue', 'QueueDescriptor', 'QueueLike', 'QueueListenerOptions', 'QueueOptions', 'ReceiverAddresses',
      'ReceiverStats', 'RingOptions', 'RingOverflow', 'RotatingFileHandlerOptions', 'RotationFs', 'RotationStat',
      'Rotator', 'SMTPHandlerOptions', 'SocketBacklogOptions', 'SocketHandlerOptions', 'SysLogHandlerOptions',
      'SyslogAddress', 'SyslogFormat', 'SyslogFraming', 'SyslogSocktype', 'TimedRotatingFileHandlerOptions',
      'WatchedFileHandlerOptions', 'WireFormat', 'WorkerQueueListenerOptions',
    ],
  },
  './config': {
    values: [
      'BaseConfigurator', 'CONFIG_ENV_VAR', 'DictConfigurator', 'INI_EXTENSIONS', 'buildHandlers', 'configureFromEnv',
      'configureFromFile', 'dictConfig', 'dictConfigAsync', 'dictConfigClass', 'fileConfig', 'iniToDictConfig',
      'loadConfigFile', 'lookupClass', 'parseIni', 'parsePythonLiteral', 'pyArgs', 'registerClass', 'unregisterClass',
    ],
    types: [
      'ArgsMapper', 'BuiltConfig', 'ClassEntry', 'ConfigLevel', 'ConfiguratorOptions', 'DictConfig', 'FactoryRef',
      'FilterDict', 'FormatterDict', 'HandlerDict', 'Importer', 'LoggerDict', 'MapContext', 'ParamSpec', 'ParamType',
    ],
  },
  './testing': {
    values: [
      'CAPTURE_CAPACITY', 'CapturingHandler', 'assertLogs', 'assertNoLogs', 'captureLogs', 'markLoggingBaseline',
      'resetLogging', 'snapshotLogging',
    ],
    types: [
      'LogCapture',
    ],
  },
  './wire': {
    values: [
      'FrameDecoder', 'ProtocolError', 'decodePayload', 'encodeFrame', 'encodePayload', 'pickleDumps', 'pickleLoads',
      'recordToDict', 'sanitizeRecordDict',
    ],
    types: [
      'DecodeOptions', 'PickleLimits', 'PlainValue', 'WireFormat',
    ],
  },
  './otel': {
    values: [
      'OTLPHandler', 'OpenTelemetryHandler', 'disableTraceCorrelation', 'enableTraceCorrelation', 'encodeLogsJson',
      'encodeLogsProtobuf', 'isTraceCorrelationEnabled', 'recordAttributes', 'severityNumberOf', 'toOtelLog',
    ],
    types: [
      'OTLPHandlerOptions', 'OpenTelemetryHandlerOptions', 'OtelLog', 'OtelValue', 'TraceFields',
    ],
  },
  './pretty': {
    values: [
      'PRETTY_HELP', 'PrettyFormatter', 'errorText', 'lineRecord', 'parseLine', 'runPretty',
    ],
    types: [
      'ParsedLine', 'PrettyFormatterOptions',
    ],
  },
  './http': {
    values: [
      'FastifyLogger', 'RequestLogger', 'requestIdOf', 'requestLogger', 'serializeRequest', 'serializeResponse',
    ],
    types: [
      'FastifyLike', 'FastifyPluginLike', 'HttpRequestLike', 'HttpResponseLike', 'HttpSerializerOptions',
      'RequestLoggerOptions',
    ],
  },
};

function block(sub: string, s: Surface): string {
  const list = (a: string[]) => a.map((n) => `'${n}'`).join(', ');
  return `  '${sub}': {\n    values: [${list(s.values)}],\n    types: [${list(s.types)}],\n  },`;
}

function diff(actual: string[], pinned: string[]): string {
  const added = actual.filter((n) => !pinned.includes(n));
  const removed = pinned.filter((n) => !actual.includes(n));
  return `added: ${added.join(', ') || '-'}; removed: ${removed.join(', ') || '-'}`;
}

describe('public API', () => {
  const entries = entryPoints();

  test('public API – every package.json entry point has a pinned export list, and every pinned one exists', () => {
    assert.deepEqual(Object.keys(entries).sort(), Object.keys(PINNED).sort());
  });

  for (const [sub, file] of Object.entries(entries)) {
    test(`public API – ${sub} exports exactly the pinned values and types`, async () => {
      const actual = await surfaceOf(file);
      const pinned = PINNED[sub];
      assert.ok(pinned, `no pinned list for ${sub}; add:\n${block(sub, actual)}`);
      assert.deepEqual(actual.values, [...pinned.values].sort(), `${sub} values changed (${diff(actual.values, pinned.values)}); if intended, pin:\n${block(sub, actual)}`);
      assert.deepEqual(actual.types, [...pinned.types].sort(), `${sub} types changed (${diff(actual.types, pinned.types)}); if intended, pin:\n${block(sub, actual)}`);
    });
  }

  test('public API – the type-name reader sees type-only and inline type re-exports', () => {
    const src = "export { A, type B, C as D, type E as F } from './x.js';\nexport type { G, H as I } from './y.js';\n// export type { Hidden } from './z.js';\n";
    assert.deepEqual(typeExports(src), ['B', 'F', 'G', 'I']);
  });

  test('public API – wire codecs, config plumbing and test helpers stay off the core and handlers barrels', async () => {
    const core = await surfaceOf(entries['.']!);
    const handlers = await surfaceOf(entries['./handlers']!);
    const config = await surfaceOf(entries['./config']!);
    for (const n of ['FrameDecoder', 'encodeFrame', 'pickleDumps', 'pickleLoads', 'decodePayload', 'encodePayload', 'recordToDict', 'sanitizeRecordDict', 'RingProducer']) {
      assert.ok(!handlers.values.includes(n) && !core.values.includes(n), n);
    }
    for (const n of ['pyArgsOpts', 'optionsArgs', 'checkKwargs', 'checkValue', 'HANDLER_SIGNATURES', 'configuratorClass']) assert.ok(!config.values.includes(n), n);
    for (const n of ['captureLogs', 'assertLogs', 'resetLogging', 'CapturingHandler']) assert.ok(!core.values.includes(n), n);
    assert.ok(core.values.includes('tzset'), 'tzset, which the docs tell users to call, is exported');
    assert.ok(config.values.includes('dictConfigClass'));
  });
});
