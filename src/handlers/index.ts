/**
 * logflume/handlers — Python's `logging.handlers`: rotating and watched files,
 * sockets, datagrams, syslog, HTTP, SMTP, memory buffering and queues. The
 * wire codecs behind the socket handlers are in `logflume/wire`.
 */
export { WatchedFileHandler, type WatchedFileHandlerOptions } from './watched-file-handler.js';
export { BaseRotatingHandler, type BaseRotatingHandlerOptions, type Namer, type Rotator } from './base-rotating-handler.js';
export { RotatingFileHandler, type RotatingFileHandlerOptions } from './rotating-file-handler.js';
export { TimedRotatingFileHandler, type TimedRotatingFileHandlerOptions } from './timed-rotating-file-handler.js';
export { type AtTime } from './timed-rotating-file-handler.compute.js';
export { GzipRotator, type GzipRotatorOptions } from './gzip-rotator.js';
export { nodeRotationFs, type RotationFs, type RotationStat } from './rotation-fs.js';
export { SocketHandler, type SocketHandlerOptions, type SocketBacklogOptions } from './socket-handler.js';
export { DatagramHandler, type DatagramHandlerOptions } from './datagram-handler.js';
export { LogRecordReceiver, type LogRecordReceiverOptions, type ReceiverStats, type ReceiverAddresses } from './log-record-receiver.js';
export { ProtocolError } from './wire/errors.js';
export type { PlainValue, PickleLimits } from './wire/pickle.js';
export type { WireFormat, DecodeOptions } from './wire/record-dict.js';
export { Queue, Full, Empty, type QueueOptions, type OverflowPolicy } from './queue.js';
export { QueueHandler, type QueueLike } from './queue-handler.js';
export { QueueListener, type QueueListenerOptions, type DequeueLike } from './queue-listener.js';
export { WorkerQueueListener, type WorkerQueueListenerOptions } from './worker-queue-listener.js';
export type { QueueDescriptor, RingOptions, RingOverflow } from './queue/ring-buffer.js';
export type { HandlerSpec, ModuleHandlerSpec, DictHandlerSpec } from './queue/specs.js';
export { BufferingHandler } from './buffering-handler.js';
export { MemoryHandler, type MemoryHandlerOptions, type HandlerLike } from './memory-handler.js';
export { SysLogHandler, type SysLogHandlerOptions, type SyslogAddress, type SyslogSocktype } from './sys-log-handler.js';
export { type SyslogFormat, type SyslogFraming } from './sys-log-handler.format.js';
export {
  SYSLOG_UDP_PORT,
  SYSLOG_TCP_PORT,
  SYSLOG_TLS_PORT,
  DEFAULT_TCP_LOGGING_PORT,
  DEFAULT_UDP_LOGGING_PORT,
  DEFAULT_HTTP_LOGGING_PORT,
  DEFAULT_SOAP_LOGGING_PORT,
  ST_DEV,
  ST_INO,
  ST_MTIME,
} from './constants.js';
export { HTTPHandler, type HTTPHandlerOptions, type HTTPContext } from './http-handler.js';
export { HTTPLogReceiver, type HTTPLogReceiverOptions, type HTTPLogReceiverStats } from './http-log-receiver.js';
export { SMTPHandler, type SMTPHandlerOptions } from './smtp-handler.js';
export { NTEventLogHandler, type NTEventLogHandlerOptions, type NTEvent } from './nt-event-log-handler.js';
