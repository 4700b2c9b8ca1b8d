/**
 * The public module constants of Python's `logging.handlers`, with Python's
 * names and values, so code and configs ported from Python find them.
 */
export { SYSLOG_UDP_PORT, SYSLOG_TCP_PORT, SYSLOG_TLS_PORT } from './sys-log-handler.constants.js';

/** Python's default port for SocketHandler / the cookbook's TCP receiver (`logflume serve` listens here). */
export const DEFAULT_TCP_LOGGING_PORT = 9020;
/** Python's default port for DatagramHandler / a UDP receiver. */
export const DEFAULT_UDP_LOGGING_PORT = 9021;
/** Python's default port for HTTPHandler receivers. */
export const DEFAULT_HTTP_LOGGING_PORT = 9022;
/** Python's default SOAP logging port (kept for completeness; nothing uses it). */
export const DEFAULT_SOAP_LOGGING_PORT = 9023;
/** Indexes into Python's `os.stat()` tuple that WatchedFileHandler reads (`st_dev`, `st_ino`, `st_mtime`); Node's `fs.Stats` has named fields instead. */
export const ST_DEV = 2;
export const ST_INO = 1;
export const ST_MTIME = 8;
