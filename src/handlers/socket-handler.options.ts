/** Options of SocketHandler (and, where they apply, DatagramHandler), apart from the connection logic. */
import type { Level } from '../levels.js';
import type { HmacKey } from './wire/hmac.js';
import type { WireFormat } from './wire/record-dict.js';

/** Bounds of the in-memory backlog kept while the receiver cannot be reached. */
export interface SocketBacklogOptions {
  /** Most frames held (default 10 000). */
  records?: number;
  /** Most bytes held (default 8 MiB). */
  bytes?: number;
}

/** Options of SocketHandler (and, where they apply, DatagramHandler). */
export interface SocketHandlerOptions {
  /**
   * Payload encoding: `'compact'` (default: fixed binary fields plus cached
   * JSON, for logflume receivers), `'json'` (one JSON object per record, for
   * receivers in any language) or `'pickle'` (what Python's SocketHandler sends
   * and its receivers expect). A LogRecordReceiver accepts all three.
   */
  format?: WireFormat;
  /** Shared key: frames carry an HMAC-SHA256 tag that a receiver configured with the same key checks. */
  hmacKey?: HmacKey | null;
  /**
   * What happens to records while disconnected. Default: a bounded backlog
   * replayed in order on reconnect. `false`: drop them (Python's behaviour),
   * counting each in `droppedCount`. At capacity the newest record is dropped.
   */
  backlog?: SocketBacklogOptions | false;
  /** Seconds before the first reconnect attempt (Python's `retryStart`, 1). */
  retryStart?: number;
  /** Back-off multiplier (Python's `retryFactor`, 2). */
  retryFactor?: number;
  /** Longest wait between attempts, seconds (Python's `retryMax`, 30). */
  retryMax?: number;
  /** Milliseconds a connect attempt may take (Python's `makeSocket(timeout=1)`: 1000). */
  connectTimeout?: number;
  /**
   * Milliseconds `flush()` waits for queued records to be sent, and
   * `close()` waits without progress (default 5000): while the receiver
   * keeps taking data, close() keeps sending, as Python's blocking close does.
   */
  closeTimeout?: number;
  /**
   * Largest payload sent, bytes (default 1 MiB, LogRecordReceiver's default
   * `maxFrameSize`). A receiver closes the connection on a frame above its
   * limit, and the frames after it in the same write are lost with it; so a
   * bigger record is sent with its message, exception text and stack cut and
   * marked `[truncated from N bytes]` (counted in `truncatedCount`), or, when
   * its extras alone are too big, dropped (counted in `droppedCount`); both
   * are reported.
   */
  maxFrameSize?: number;
  /** Handler level. */
  level?: Level;
  /**
   * The receiver's formatters print caller fields (`%(lineno)d`, `%(funcName)s`,
   * `%(pathname)s`): capture them in this process (a stack capture per record,
   * as `setCallerInfo('always')` would switch on). Default false: the sender
   * cannot see the receiver's formats.
   */
  captureCaller?: boolean;
}
