/**
 * Test side of OTLP/HTTP: a loopback receiver that records what it
 * acknowledges (and can answer 503/429, drop the connection or stall on
 * request), and a protobuf decoder built with protobufjs from the OTLP logs
 * schema (field numbers and types of opentelemetry/proto collector/logs/v1,
 * logs/v1, common/v1 and resource/v1).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { gunzipSync } from 'node:zlib';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';

const kv = { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } };
const schema = {
  nested: {
    otlp: {
      nested: {
        AnyValue: {
          oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
        KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
        KeyValue: kv,
        InstrumentationScope: {
          fields: {
            name: { type: 'string', id: 1 },
            version: { type: 'string', id: 2 },
            attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
            droppedAttributesCount: { type: 'uint32', id: 4 },
          },
        },
        Resource: { fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 }, droppedAttributesCount: { type: 'uint32', id: 2 } } },
        LogRecord: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            observedTimeUnixNano: { type: 'fixed64', id: 11 },
            severityNumber: { type: 'int32', id: 2 },
            severityText: { type: 'string', id: 3 },
            body: { type: 'AnyValue', id: 5 },
            attributes: { rule: 'repeated', type: 'KeyValue', id: 6 },
            droppedAttributesCount: { type: 'uint32', id: 7 },
            flags: { type: 'fixed32', id: 8 },
            traceId: { type: 'bytes', id: 9 },
            spanId: { type: 'bytes', id: 10 },
            eventName: { type: 'string', id: 12 },
          },
        },
        ScopeLogs: {
          fields: { scope: { type: 'InstrumentationScope', id: 1 }, logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 }, schemaUrl: { type: 'string', id: 3 } },
        },
        ResourceLogs: {
          fields: { resource: { type: 'Resource', id: 1 }, scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 }, schemaUrl: { type: 'string', id: 3 } },
        },
        ExportLogsServiceRequest: { fields: { resourceLogs: { rule: 'repeated', type: 'ResourceLogs', id: 1 } } },
      },
    },
  },
};
const Request = protobuf.Root.fromJSON(schema).lookupType('otlp.ExportLogsServiceRequest');

/** Decode a protobuf request body into plain objects (64-bit ints as strings, bytes as hex, defaults omitted). */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  const msg = Request.decode(body);
  return hexIds(Request.toObject(msg, { longs: String, bytes: String, defaults: false })) as Record<string, unknown>;
}

function hexIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(hexIds);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = (k === 'traceId' || k === 'spanId') && typeof x === 'string' ? Buffer.from(x, 'base64').toString('hex') : hexIds(x);
    return out;
  }
  return v;
}

/** One request the receiver answered. */
export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  status: number;
}

/** What to do with the next request: answer with a status (and headers), drop the connection, or never answer. */
export type Action = { status: number; headers?: Record<string, string>; body?: Buffer | string } | 'close' | 'stall';

export class OtlpReceiver {
  readonly server: http.Server;
  /** Requests answered 2xx, in arrival order. */
  readonly accepted: Received[] = [];
  /** Every request seen, whatever the answer. */
  seen = 0;
  /** Scripted answers for the next requests; afterwards 200. */
  script: Action[] = [];
  readonly #stalled: http.ServerResponse[] = [];
  #waiters: (() => void)[] = [];

  constructor(tls?: { key: string; cert: string }) {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.seen++;
        const action = this.script.shift() ?? { status: 200 };
        if (action === 'close') {
          req.socket.destroy();
          return;
        }
        if (action === 'stall') {
          this.#stalled.push(res);
          return;
        }
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        if (action.status >= 200 && action.status < 300) this.accepted.push({ path: req.url ?? '', headers: req.headers, body, status: action.status });
        res.writeHead(action.status, { 'Content-Type': String(req.headers['content-type'] ?? 'application/x-protobuf'), ...(action.headers ?? {}) });
        res.end(action.body);
        const w = this.#waiters;
        this.#waiters = [];
        for (const fn of w) fn();
      });
    };
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const { port } = this.server.address() as AddressInfo;
    return `${this.server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${port}/v1/logs`;
  }

  /** Resolve once `cond()` holds after some answered request, or reject at the deadline. */
  async waitFor(cond: () => boolean, what: string, timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(left, 100));
        this.#waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  /** Decoded protobuf bodies of the accepted requests. */
  decoded(): Record<string, unknown>[] {
    return this.accepted.map((r) => (String(r.headers['content-type']).includes('json') ? (JSON.parse(r.body.toString('utf8')) as Record<string, unknown>) : decodeProtobuf(r.body)));
  }

  async close(): Promise<void> {
    for (const r of this.#stalled) r.socket?.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => {});
  }
}

/** Every log record body (string) across decoded requests, in order. */
export function bodies(decoded: Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const d of decoded) for (const rl of (d.resourceLogs as Record<string, unknown>[]) ?? []) for (const sl of (rl.scopeLogs as Record<string, unknown>[]) ?? []) for (const lr of (sl.logRecords as Record<string, unknown>[]) ?? []) out.push(String((lr.body as { stringValue?: string })?.stringValue));
  return out;
}
