/**
 * SysLogHandler's options and call forms, apart from the sockets: the
 * options interface, how the three constructor forms resolve to it, and
 * the KeyError text Python gives an unknown name.
 */
import * as path from 'node:path';
import type * as tls from 'node:tls';
import { ConfigError } from '../errors.js';
import type { Level } from '../levels.js';
import type { SyslogFormat, SyslogFraming } from './sys-log-handler.format.js';

/** `[host, port]` for UDP/TCP/TLS, or the path of a Unix socket. */
export type SyslogAddress = [string, number] | string;
/** Python's `socket.SOCK_DGRAM` / `socket.SOCK_STREAM`. */
export type SyslogSocktype = 'dgram' | 'stream';

/** Options of {@link SysLogHandler}; the first three are Python's positional arguments. */
export interface SysLogHandlerOptions {
  /** Default `['localhost', 514]`. A string is a Unix socket path (`/dev/log`). */
  address?: SyslogAddress;
  /** A code (`LOG_LOCAL0`) or a `facility_names` key; default `LOG_USER`. */
  facility?: number | string;
  /** 'dgram' (UDP, default) or 'stream' (TCP); null on a Unix path tries datagram, then stream, as Python. */
  socktype?: SyslogSocktype | null;
  /** Wire format: 'python' (default: `<PRI>ident msg\0`, Python's bytes), 'rfc3164' or 'rfc5424'. */
  format?: SyslogFormat;
  /**
   * Framing on stream transports: 'none' (Python's bytes), 'octet-counting' (RFC 6587) or 'lf'.
   * Default: 'none' for the 'python' format (as Python); for the RFC formats 'octet-counting'
   * over TCP/TLS (RFC 5425 requires it) and 'lf' on a Unix stream socket (syslog-ng's
   * `unix-stream()` reads lines only).
   */
  framing?: SyslogFraming;
  /** Syslog over TLS (RFC 5425): true or `tls.connect` options (ca, cert, key, servername…). Implies 'stream'. */
  tls?: boolean | tls.ConnectionOptions;
  /** Prepended to every message (Python's `ident`). */
  ident?: string;
  /** Append a NUL byte (Python's `append_nul`); default true for 'python' format without framing, false otherwise. */
  appendNul?: boolean;
  /** RFC 5424 only: start MSG with a UTF-8 BOM (RFC 5424 §6.4); default false, old daemons show it as garbage. */
  utf8Bom?: boolean;
  /** RFC header fields; defaults: `os.hostname()`, the script's basename, `process.pid`. */
  hostname?: string;
  appName?: string;
  procid?: string | number;
  /** RFC 5424 structured data sent with every record: `{ 'id@32473': { key: 'value' } }`. */
  structuredData?: Record<string, Record<string, unknown>>;
  /**
   * Largest message in bytes (header and NUL included, framing not). A longer
   * message is cut at a UTF-8 boundary and ends with `[truncated from N bytes]`;
   * it is counted in `truncatedCount` and reported. Default 8096: rsyslog's
   * default `maxMessageSize` (syslog-ng accepts 64 KiB); `Infinity` sends
   * everything (Python's behaviour).
   */
  maxMessageSize?: number;
  /** Records held while a stream connection is (re)established; beyond it the oldest are dropped. Default 1000. */
  maxBacklog?: number;
  /** First reconnect delay in ms, doubled up to 30 s while the server stays down. Default 500. */
  reconnectDelay?: number;
  /** Streams: give up a connection attempt (and retry later) after this many ms. Default 5000. */
  connectTimeout?: number;
  level?: Level;
}

/** The default RFC APP-NAME: the script's basename without its extension. */
export function defaultAppName(): string {
  const script = process.argv[1];
  return script ? path.basename(script).replace(/\.[cm]?[jt]s$/, '') : process.title;
}

/**
 * Python raises `KeyError: 'name'` for an unknown facility or priority name;
 * this is a ConfigError whose message carries that text and the accepted names.
 */
export function keyError(what: 'facility' | 'priority', key: unknown, names: Readonly<Record<string, number>>): ConfigError {
  return new ConfigError(`KeyError: ${typeof key === 'string' ? `'${key}'` : String(key)} (SysLogHandler: unknown ${what}; accepted: ${Object.keys(names).join(', ')})`);
}

/** The three call forms: options object, Python's positional arguments, or positional plus nothing else. */
export function resolveOptions(address: unknown, facility: unknown, socktype: unknown): SysLogHandlerOptions {
  if (address !== undefined && address !== null && !Array.isArray(address) && typeof address === 'object') {
    if (facility !== undefined || socktype !== undefined) {
      throw new ConfigError('SysLogHandler: use either SysLogHandler(options) or SysLogHandler(address, facility, socktype), not both');
    }
    return address as SysLogHandlerOptions;
  }
  if (facility !== undefined && facility !== null && typeof facility === 'object') {
    throw new ConfigError('SysLogHandler(address, facility, socktype): facility must be a code or a name; pass options as the only argument: SysLogHandler({ address, ... })');
  }
  return { address: (address ?? undefined) as SyslogAddress | undefined, facility: facility as number | string | undefined, socktype: socktype as SyslogSocktype | null | undefined };
}
