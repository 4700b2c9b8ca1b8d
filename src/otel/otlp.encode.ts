/**
 * OTLP/HTTP request bodies for logs (ExportLogsServiceRequest), in the two
 * encodings of the OTLP specification: protobuf (`application/x-protobuf`)
 * and JSON (`application/json`, the proto3 JSON mapping with hex trace/span
 * ids as OTLP/JSON requires). Written here rather than taken from the
 * exporter packages so the handler has no dependency and runs in the worker;
 * tests decode the bytes against the OTLP schema and compare them with what
 * the official exporter sends.
 *
 * Field numbers (opentelemetry/proto/logs/v1, common/v1, resource/v1):
 * ExportLogsServiceRequest.resource_logs 1; ResourceLogs.resource 1,
 * .scope_logs 2; Resource.attributes 1; ScopeLogs.scope 1, .log_records 2;
 * InstrumentationScope.name 1, .version 2; LogRecord.time_unix_nano 1
 * (fixed64), severity_number 2, severity_text 3, body 5, attributes 6,
 * flags 8 (fixed32), trace_id 9, span_id 10, observed_time_unix_nano 11
 * (fixed64); KeyValue.key 1, .value 2; AnyValue string 1, bool 2, int 3,
 * double 4, array 5, kvlist 6, bytes 7; ArrayValue/KeyValueList.values 1.
 */
import type { OtelLog, OtelValue } from './otel-record.js';

/** A protobuf writer over one growing Buffer; nested messages get their length patched in place. */
class PbWriter {
  buf: Buffer = Buffer.allocUnsafe(4096);
  pos = 0;
  readonly #f64 = new DataView(new ArrayBuffer(8));

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  /** Unsigned varint of a non-negative safe integer. */
  varint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    while (v >= 0x80) {
      b[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[this.pos++] = v;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  string(field: number, s: string): void {
    this.tag(field, 2);
    const n = s.length;
    if (n < 0x80) {
      // short ASCII text (levels, logger names, most messages): copied in JS, no native call
      this.ensure(n + 1);
      const b = this.buf;
      let p = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === n) {
        b[this.pos] = n;
        this.pos = p;
        return;
      }
    }
    const len = Buffer.byteLength(s);
    this.varint(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  hexBytes(field: number, hex: string): void {
    this.tag(field, 2);
    const n = hex.length >>> 1;
    this.varint(n);
    this.ensure(n);
    this.pos += this.buf.write(hex, this.pos, n, 'hex');
  }

  /** fixed64 of ms × 10⁶ (nanoseconds), exact for any ms below 2⁵³ / 2¹⁶ without BigInt. */
  fixed64Nanos(field: number, ms: number): void {
    this.tag(field, 1);
    this.ensure(8);
    const hiMs = Math.floor(ms / 0x10000);
    const loMs = ms - hiMs * 0x10000;
    const a = hiMs * 1e6; // ns = a·2¹⁶ + loMs·10⁶
    const aHi = Math.floor(a / 0x10000);
    let lo = (a - aHi * 0x10000) * 0x10000 + loMs * 1e6;
    const carry = Math.floor(lo / 0x100000000);
    lo -= carry * 0x100000000;
    this.buf.writeUInt32LE(lo, this.pos);
    this.buf.writeUInt32LE(aHi + carry, this.pos + 4);
    this.pos += 8;
  }

  fixed32(field: number, v: number): void {
    this.tag(field, 5);
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  double(field: number, v: number): void {
    this.tag(field, 1);
    this.ensure(8);
    this.#f64.setFloat64(0, v, true);
    for (let i = 0; i < 8; i++) this.buf[this.pos + i] = this.#f64.getUint8(i);
    this.pos += 8;
  }

  /** int64 varint: two's complement for negatives (10 bytes), as protobuf requires. */
  int64(field: number, v: number): void {
    this.tag(field, 0);
    if (v >= 0) {
      this.varint(v);
      return;
    }
    let x = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (x >= 0x80n) {
      this.buf[this.pos++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.pos++] = Number(x);
  }

  /** Start a length-delimited field; returns the mark for {@link end}. One byte is reserved for the length. */
  begin(field: number): number {
    this.tag(field, 2);
    this.ensure(1);
    return this.pos++;
  }

  end(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    let k = 1;
    for (let v = len; v >= 0x80; v = Math.floor(v / 0x80)) k++;
    this.ensure(k - 1);
    this.buf.copyWithin(mark + k, mark + 1, this.pos);
    let v = len;
    let p = mark;
    while (v >= 0x80) {
      this.buf[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[p] = v;
    this.pos += k - 1;
  }

  anyValue(field: number, v: OtelValue): void {
    const m = this.begin(field);
    if (typeof v === 'string') this.string(1, v);
    else if (typeof v === 'boolean') {
      this.tag(2, 0);
      this.varint(v ? 1 : 0);
    } else if (typeof v === 'number') {
      if (Number.isInteger(v) && Number.isSafeInteger(v)) this.int64(3, v);
      else this.double(4, v);
    } else if (v instanceof Uint8Array) this.bytes(7, v);
    else if (Array.isArray(v)) {
      const a = this.begin(5);
      for (const x of v) this.anyValue(1, x);
      this.end(a);
    } else if (v !== null) {
      const l = this.begin(6);
      for (const k of Object.keys(v)) this.keyValue(1, k, v[k]!);
      this.end(l);
    }
    this.end(m);
  }

  keyValue(field: number, key: string, v: OtelValue): void {
    const m = this.begin(field);
    this.string(1, key);
    this.anyValue(2, v);
    this.end(m);
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** Records grouped by instrumentation scope (logger name), in order of first appearance. */
function byScope(logs: readonly OtelLog[]): Map<string, OtelLog[]> {
  const m = new Map<string, OtelLog[]>();
  for (const l of logs) {
    let g = m.get(l.scope);
    if (g === undefined) m.set(l.scope, (g = []));
    g.push(l);
  }
  return m;
}

/** The protobuf ExportLogsServiceRequest for one batch. */
export function encodeLogsProtobuf(resource: Readonly<Record<string, OtelValue>>, logs: readonly OtelLog[], scopeVersion?: string): Buffer {
  const w = new PbWriter();
  const rl = w.begin(1);
  const res = w.begin(1);
  for (const k of Object.keys(resource)) w.keyValue(1, k, resource[k]!);
  w.end(res);
  for (const [scope, group] of byScope(logs)) {
    const sl = w.begin(2);
    const sc = w.begin(1);
    if (scope !== '') w.string(1, scope);
    if (scopeVersion) w.string(2, scopeVersion);
    w.end(sc);
    for (const l of group) {
      const lr = w.begin(2);
      w.fixed64Nanos(1, l.timeMs);
      if (l.severityNumber !== 0) {
        w.tag(2, 0);
        w.varint(l.severityNumber);
      }
      if (l.severityText !== '') w.string(3, l.severityText);
      w.anyValue(5, l.body);
      for (const k of Object.keys(l.attributes)) w.keyValue(6, k, l.attributes[k]!);
      if (l.traceId !== null) {
        if (l.flags !== 0) w.fixed32(8, l.flags);
        w.hexBytes(9, l.traceId);
        w.hexBytes(10, l.spanId!);
      }
      w.fixed64Nanos(11, l.observedMs);
      w.end(lr);
    }
    w.end(sl);
  }
  w.end(rl);
  return w.finish();
}

/** AnyValue in the OTLP/JSON mapping. */
function jsonAnyValue(v: OtelValue): unknown {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) && Number.isSafeInteger(v) ? { intValue: v } : { doubleValue: Number.isFinite(v) ? v : String(v) };
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(jsonAnyValue) } };
  if (v === null) return {};
  return { kvlistValue: { values: jsonAttributes(v) } };
}

function jsonAttributes(attrs: Readonly<Record<string, OtelValue>>): unknown[] {
  return Object.keys(attrs).map((key) => ({ key, value: jsonAnyValue(attrs[key]!) }));
}

/** The OTLP/JSON ExportLogsServiceRequest for one batch. */
export function encodeLogsJson(resource: Readonly<Record<string, OtelValue>>, logs: readonly OtelLog[], scopeVersion?: string): string {
  const scopeLogs: unknown[] = [];
  for (const [scope, group] of byScope(logs)) {
    scopeLogs.push({
      scope: scopeVersion ? { name: scope, version: scopeVersion } : { name: scope },
      logRecords: group.map((l) => {
        const r: Record<string, unknown> = {
          timeUnixNano: `${l.timeMs}000000`,
          observedTimeUnixNano: `${l.observedMs}000000`,
          severityNumber: l.severityNumber,
          severityText: l.severityText,
          body: jsonAnyValue(l.body),
          attributes: jsonAttributes(l.attributes),
        };
        if (l.traceId !== null) {
          r.flags = l.flags;
          r.traceId = l.traceId;
          r.spanId = l.spanId;
        }
        return r;
      }),
    });
  }
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: jsonAttributes(resource) }, scopeLogs }] });
}
