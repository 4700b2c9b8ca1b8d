// The options, counters and addresses of LogRecordReceiver (kept apart from the class: they are most of its documentation).
import type * as net from 'node:net';
import type { HmacKey } from './wire/hmac.js';
import type { WireFormat } from './wire/record-dict.js';

/** Options of LogRecordReceiver (and `logflume serve`). */
export interface LogRecordReceiverOptions {
  /** TCP port to listen on (0 picks a free one); omit for no TCP. */
  tcp?: number | null;
  /** UDP port to listen on (0 picks a free one); omit for no UDP. */
  udp?: number | null;
  /** Unix domain (stream) socket path; omit for none. */
  unix?: string | null;
  /**
   * UDP receive buffer, bytes (default 4 MiB): a burst waits in it while the
   * receiver is busy; the kernel drops datagrams that do not fit (counted in
   * `stats.udpDrops` where the platform tells). The kernel caps it at
   * `net.core.rmem_max`; `stats.udpReceiveBuffer` shows what was granted.
   */
  udpReceiveBuffer?: number;
  /** Address to bind TCP and UDP to (default 127.0.0.1: only this host can send). */
  host?: string;
  /** Largest payload accepted, bytes (default 1 MiB); a larger length prefix closes the connection at once. */
  maxFrameSize?: number;
  /**
   * Most simultaneous TCP + Unix connections (default 128). At the limit the
   * receiver stops listening until a connection closes (`listenerPauses`), so
   * new senders are refused by the kernel and keep their records; meanwhile the
   * connection silent longest (≥ 1 s) is closed each second (`evictedConnections`).
   * A connection already queued reads a refusal line and is closed (`rejectedConnections`).
   */
  maxConnections?: number;
  /** Milliseconds a started frame may take to arrive completely (default 10 000); a stalled peer is disconnected. */
  readTimeout?: number;
  /** Milliseconds a connection may stay silent before it is closed (default 600 000 = 10 min; 0: no limit). */
  idleTimeout?: number;
  /**
   * A record that still carries `args` is merged here (`msg % args`, once,
   * before any handler sees it) only while the merged message is sure to stay
   * within this many times the frame's size plus 4096 characters (default 4);
   * past that, and when the merge fails, `msg` stays the template, the
   * arguments are kept as data in `unmerged_args`, and the record is counted
   * in `unmergedRecords`.
   */
  maxMessageExpansion?: number;
  /** Most loggers created for names received from the network (default 1000); see `maxLoggerDepth`. */
  maxLoggers?: number;
  /**
   * Most dots in a received name that gets a logger of its own (default 16).
   * A record whose name is past this, `maxLoggerNameLength` or `maxLoggers`
   * goes to the nearest existing ancestor logger (its `name` unchanged) and is
   * counted in `fallbackRecords` and reported.
   */
  maxLoggerDepth?: number;
  /** Longest received name that gets a logger of its own (default 256 characters). */
  maxLoggerNameLength?: number;
  /** Shared key: only frames with a valid HMAC-SHA256 tag are accepted. */
  hmacKey?: HmacKey | null;
  /** Payload encodings accepted (default all three: compact, json, pickle; pickle is decoded as data only). */
  formats?: readonly WireFormat[];
  /** Deepest nesting accepted in a payload (default 32). */
  maxDepth?: number;
  /** Send every record to this logger instead of the one named in the record (Python cookbook's `logname`). */
  logname?: string | null;
  /** Milliseconds `close()` waits for senders to finish before disconnecting them (default 5000). */
  drainTimeout?: number;
  /** At most this many malformed-input reports per `reportInterval` (default 10). */
  maxReports?: number;
  /** Window of the report rate limit, ms (default 10 000). */
  reportInterval?: number;
}

/** Counters, for monitoring and tests. */
export interface ReceiverStats {
  records: number;
  protocolErrors: number;
  timeouts: number;
  connections: number;
  activeConnections: number;
  rejectedConnections: number;
  handlerErrors: number;
  suppressedReports: number;
  /** Idle connections closed to make room at `maxConnections`. */
  evictedConnections: number;
  /** Times listening paused because `maxConnections` was reached. */
  listenerPauses: number;
  /** Records delivered with their arguments unmerged (see `maxMessageExpansion`). */
  unmergedRecords: number;
  /** Loggers created for received names. */
  loggersCreated: number;
  /** Records routed to an ancestor logger because their name was past a logger limit. */
  fallbackRecords: number;
  /** Most bytes ever buffered for one connection (bounded by maxFrameSize + header + one read). */
  maxBuffered: number;
  /** The UDP socket's receive buffer as granted by the kernel (0 without UDP). */
  udpReceiveBuffer: number;
  /** Datagrams the kernel dropped for the UDP socket (Linux: /proc/net/udp; refreshed by `udpDrops()`); null where unknown. */
  udpDrops: number | null;
}

/** Where the receiver listens, once started. */
export interface ReceiverAddresses {
  tcp?: net.AddressInfo;
  udp?: net.AddressInfo;
  unix?: string;
}
