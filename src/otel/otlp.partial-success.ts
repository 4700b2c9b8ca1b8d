/**
 * The `partial_success` of an OTLP/HTTP ExportLogsServiceResponse: a collector that
 * accepted the request but refused some records answers 200 with how many and why
 * (opentelemetry-proto, collector/logs/v1: `ExportLogsServiceResponse { ExportLogsPartialSuccess
 * partial_success = 1; }`, `ExportLogsPartialSuccess { int64 rejected_log_records = 1;
 * string error_message = 2; }`). The client must not retry it, but must not hide it either.
 */

/** How many records the collector rejected, and its message ('' when none). */
export interface PartialSuccess {
  rejected: number;
  message: string;
}

/** Largest response body read for it; a longer body is not a partial-success answer worth parsing. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** The partial success in a 2xx response body, or null when the body has none (or is not readable as one). */
export function parsePartialSuccess(body: Buffer, contentType: string | undefined): PartialSuccess | null {
  if (body.length === 0) return null;
  // OTLP answers in the request's content type; anything else (a proxy's HTML page, plain text)
  // is not a response message, and reading it as protobuf could invent a rejected count
  const ct = contentType?.toLowerCase() ?? '';
  const json = ct.includes('json');
  if (!json && !ct.includes('protobuf')) return null;
  try {
    const p = json ? fromJson(body) : fromProtobuf(body);
    return p !== null && (p.rejected > 0 || p.message !== '') ? p : null;
  } catch {
    return null;
  }
}

function fromJson(body: Buffer): PartialSuccess | null {
  const v = JSON.parse(body.toString('utf8')) as { partialSuccess?: { rejectedLogRecords?: unknown; errorMessage?: unknown } } | null;
  const ps = v?.partialSuccess;
  if (typeof ps !== 'object' || ps === null) return null;
  // int64 is a string in OTLP/JSON; some encoders write a number
  const n = Number(ps.rejectedLogRecords ?? 0);
  return { rejected: Number.isSafeInteger(n) && n > 0 ? n : 0, message: typeof ps.errorMessage === 'string' ? ps.errorMessage : '' };
}

function fromProtobuf(body: Buffer): PartialSuccess | null {
  const outer = fields(body);
  const inner = outer.get(1);
  if (!(inner instanceof Buffer)) return null;
  const f = fields(inner);
  const n = f.get(1);
  const msg = f.get(2);
  return { rejected: typeof n === 'number' && n > 0 ? n : 0, message: msg instanceof Buffer ? msg.toString('utf8') : '' };
}

/** The varint and length-delimited fields of one protobuf message (last one wins); other wire types are skipped. */
function fields(buf: Buffer): Map<number, number | Buffer> {
  const out = new Map<number, number | Buffer>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (let k = 0; k < 10; k++) {
      if (i >= buf.length) throw new RangeError('truncated varint');
      const b = buf[i++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    throw new RangeError('varint too long');
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) out.set(field, varint());
    else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw new RangeError('truncated field');
      out.set(field, buf.subarray(i, i + len));
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new RangeError(`wire type ${wire}`);
  }
  return out;
}
