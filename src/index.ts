/**
 * logflume — Python's `logging` for Node.js. This barrel is the public surface
 * of the core module (≈ Python's `logging.__all__`); it loads no network code
 * and no third-party package. Handlers for files that rotate, sockets, syslog,
 * mail, HTTP and queues live in `logflume/handlers`; dictConfig in `logflume/config`;
 * test helpers (captureLogs, assertLogs, resetLogging) in `logflume/testing`.
 */
export {
  NOTSET,
  DEBUG,
  INFO,
  WARNING,
  WARN,
  ERROR,
  CRITICAL,
  FATAL,
  addLevelName,
  getLevelName,
  getLevelNamesMapping,
  checkLevel,
  type Level,
} from './levels.js';
export { LoggingError, ConfigError, LevelError } from './errors.js';
export {
  LogRecord,
  makeLogRecord,
  setLogRecordFactory,
  getLogRecordFactory,
  type LogRecordFactory,
} from './log-record.js';
export { kw, LogKw, type LogOptions } from './log-options.js';
export { Filter } from './filter.js';
export { Filterer, type FilterLike } from './filterer.js';
export { Formatter, type FormatterOptions, type FormatStyle } from './formatter.js';
export { BufferingFormatter } from './buffering-formatter.js';
export { Handler, type FormatterLike } from './handler.js';
export { StreamHandler, type WritableLike } from './stream-handler.js';
export { FileHandler, type FileHandlerOptions } from './file-handler.js';
export { NullHandler } from './null-handler.js';
export { StderrHandler } from './stderr-handler.js';
export { Logger } from './logger.js';
export { RootLogger } from './root-logger.js';
export { Manager, type LoggerClass } from './manager.js';
export { PlaceHolder } from './placeholder.js';
export { LoggerAdapter } from './logger-adapter.js';
export {
  root,
  getLogger,
  setLoggerClass,
  getLoggerClass,
  disable,
  setCallerInfo,
  basicConfig,
  type BasicConfigOptions,
  debug,
  info,
  warning,
  warn,
  error,
  exception,
  critical,
  fatal,
  log,
  shutdown,
  type ShutdownOptions,
  type ShutdownResult,
  type UndeliveredRecords,
  flushSync,
  flushOnSignals,
} from './api.js';
export { settings } from './internal/runtime.js';
export { localtime, gmtime, strftime, tzset, type StructTime, type Converter } from './internal/time/index.js';
export { JsonFormatter, type JsonFormatterOptions, type JsonTimeFormat } from './json-formatter.js';
export { ColorFormatter, type ColorFormatterOptions, type TtyLike } from './color-formatter.js';
export { Redactor, REMOVED, type RedactorOptions, type Censor } from './redactor.js';
export { RedactingFilter } from './redacting-filter.js';
export { redactionPatterns, type MessagePattern } from './redaction-patterns.js';
export {
  stdSerializers,
  serializeRequest,
  serializeResponse,
  serializeErr,
  registerSerializer,
  isRequestLike,
  isResponseLike,
  SENSITIVE_HEADERS,
  type Serializer,
  type HttpSerializerOptions,
} from './serializers.js';
export { withContext, getContext, updateContext, bindContext, type ContextFields } from './context.js';
