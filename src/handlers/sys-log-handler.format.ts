/**
 * The syslog wire format, apart from the sockets: Python's `<PRI>ident msg\0`,
 * RFC 3164 and RFC 5424 headers, TCP framing (RFC 6587) and size limits.
 * Pure functions, so every byte can be tested without a network.
 */
import { ConfigError } from '../errors.js';
import { facility_names, priority_names } from './sys-log-handler.constants.js';

/** Wire formats: Python's bytes, RFC 3164 (BSD) or RFC 5424. */
export type SyslogFormat = 'python' | 'rfc3164' | 'rfc5424';
/** TCP/TLS/Unix-stream framing: none (Python), RFC 6587 octet counting, or a trailing LF. */
export type SyslogFraming = 'none' | 'octet-counting' | 'lf';

const NIL = '-';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `(facility << 3) | priority`, accepting names from `facility_names`/`priority_names`. */
export function encodePriority(facility: number | string, priority: number | string): number {
  const f = typeof facility === 'string' ? facility_names[facility] : facility;
  const p = typeof priority === 'string' ? priority_names[priority] : priority;
  if (f === undefined) throw new ConfigError(`SysLogHandler: unknown facility: KeyError: '${String(facility)}'; accepted: ${Object.keys(facility_names).join(', ')}`);
  if (p === undefined) throw new ConfigError(`SysLogHandler: unknown priority: KeyError: '${String(priority)}'; accepted: ${Object.keys(priority_names).join(', ')}`);
  return (f << 3) | p;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** RFC 3164 TIMESTAMP in local time: `Mmm dd hh:mm:ss` (day padded with a space). */
export function rfc3164Timestamp(d: Date): string {
  const day = d.getDate();
  return `${MONTHS[d.getMonth()]} ${day < 10 ? ' ' + day : day} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** RFC 5424 TIMESTAMP (RFC 3339 with milliseconds and the local UTC offset). */
export function rfc5424Timestamp(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const ms = String(d.getMilliseconds()).padStart(3, '0');
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${ms}` +
    `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  );
}

/** An RFC 5424 header field: printable US-ASCII without spaces, at most `max` chars, NILVALUE when empty. */
export function headerField(value: string | number | null | undefined, max: number): string {
  if (value === null || value === undefined) return NIL;
  const s = String(value).replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return s.length === 0 ? NIL : s;
}

/** Structured-data elements: `{id: {param: value}}` → `[id param="value"]…`, or `-`. */
export function formatStructuredData(sd: Record<string, Record<string, unknown>> | null | undefined): string {
  if (!sd) return NIL;
  let out = '';
  for (const [id, params] of Object.entries(sd)) {
    out += '[' + headerField(id.replace(/[= \]"]/g, '_'), 32);
    for (const [k, v] of Object.entries(params ?? {})) {
      const val = String(v).replace(/[\\"\]]/g, (c) => '\\' + c);
      out += ` ${headerField(k.replace(/[= \]"]/g, '_'), 32)}="${val}"`;
    }
    out += ']';
  }
  return out.length === 0 ? NIL : out;
}

/** The parts of a header that do not come from the formatted message. */
export interface HeaderParts {
  pri: number;
  date: Date;
  hostname: string;
  appName: string;
  procid: string | number;
  msgid: string | null;
  structuredData: string;
}

/** `<PRI>` for Python's format; `<PRI>TIMESTAMP HOST TAG: ` for RFC 3164; the full RFC 5424 header. */
export function header(format: SyslogFormat, h: HeaderParts): string {
  switch (format) {
    case 'python':
      return `<${h.pri}>`;
    case 'rfc3164': {
      const tag = headerField(h.appName, 32);
      return `<${h.pri}>${rfc3164Timestamp(h.date)} ${headerField(h.hostname, 255)} ${tag}[${h.procid}]: `;
    }
    case 'rfc5424':
      return (
        `<${h.pri}>1 ${rfc5424Timestamp(h.date)} ${headerField(h.hostname, 255)} ${headerField(h.appName, 48)} ` +
        `${headerField(h.procid, 128)} ${headerField(h.msgid, 32)} ${h.structuredData} `
      );
  }
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Cut `body` so that head + body + tail fits in `max` bytes, on a UTF-8
 * character boundary; the header and the terminator are never cut.
 * Returns the body and whether it was cut.
 */
export function fitUtf8(body: Buffer, room: number): [Buffer, boolean] {
  if (body.length <= room) return [body, false];
  let end = Math.max(0, room);
  // step back over continuation bytes (10xxxxxx) so no character is split
  while (end > 0 && (body[end]! & 0xc0) === 0x80) end--;
  return [body.subarray(0, end), true];
}

/** Options for `buildMessage`. */
export interface BuildOptions {
  header: string;
  ident: string;
  message: string;
  appendNul: boolean;
  bom: boolean;
  maxSize: number;
}

/**
 * One syslog message as bytes: header, optional BOM, ident + message, optional
 * NUL. Python's exact bytes when the header is `<PRI>`, no BOM and the message
 * fits `maxSize`. A longer message keeps its header and NUL; its text is cut
 * on a UTF-8 boundary and ends with `[truncated from N bytes]`, N being the
 * size it would have had (the mark is left out when the limit has no room
 * for it). The second value is that N, or 0 when nothing was cut.
 */
export function buildMessage(o: BuildOptions): [Buffer, number] {
  const head = Buffer.from(o.header, 'utf8');
  const pre = o.bom ? Buffer.concat([head, BOM]) : head;
  const body = Buffer.from(o.ident + o.message, 'utf8');
  const tailLen = o.appendNul ? 1 : 0;
  const full = pre.length + body.length + tailLen;
  let text = body;
  if (full > o.maxSize) {
    let mark = Buffer.from(`[truncated from ${full} bytes]`, 'ascii');
    let room = o.maxSize - pre.length - tailLen - mark.length;
    if (room < 0) {
      // a limit too small for the mark still holds: cut without it
      mark = Buffer.alloc(0);
      room = o.maxSize - pre.length - tailLen;
    }
    text = Buffer.concat([fitUtf8(body, room)[0], mark]);
  }
  const parts = [pre, text];
  if (o.appendNul) parts.push(Buffer.from([0]));
  return [Buffer.concat(parts), full > o.maxSize ? full : 0];
}

/** Apply stream framing: RFC 6587 octet counting (`LEN SP MSG`), a trailing LF, or none. */
export function frame(msg: Buffer, framing: SyslogFraming): Buffer {
  if (framing === 'octet-counting') return Buffer.concat([Buffer.from(`${msg.length} `, 'ascii'), msg]);
  if (framing === 'lf') return Buffer.concat([msg, Buffer.from('\n')]);
  return msg;
}
