/**
 * OTLPHandler settings: explicit options first, then the standard OpenTelemetry
 * environment variables (OTEL_EXPORTER_OTLP_LOGS_* before OTEL_EXPORTER_OTLP_*,
 * OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_BLRP_*), then defaults.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { OtelValue } from './otel-record.js';

/** Options of OTLPHandler (every one optional; see the handler for defaults). */
export interface OTLPHandlerOptions {
  /** Full URL of the logs endpoint (default `$OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, else `$OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`, else `http://localhost:4318/v1/logs`). */
  endpoint?: string;
  /** 'http/protobuf' (default) or 'http/json'. */
  protocol?: 'http/protobuf' | 'http/json';
  /** Extra request headers (e.g. an API key); merged over `OTEL_EXPORTER_OTLP_[LOGS_]HEADERS`. */
  headers?: Record<string, string>;
  /** 'gzip' or 'none' (default). */
  compression?: 'gzip' | 'none';
  /** Per-request timeout, ms (default 10000). A request that gets no answer in time is retried. */
  timeout?: number;
  /** `service.name` resource attribute (default `$OTEL_SERVICE_NAME`, else `unknown_service:node`). */
  serviceName?: string;
  /** More resource attributes, merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Record<string, OtelValue>;
  /** Records per request (default 512, `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`). */
  maxExportBatchSize?: number;
  /** Longest a record waits for its batch to fill, ms (default 1000, `OTEL_BLRP_SCHEDULE_DELAY`). */
  scheduledDelayMillis?: number;
  /** Records held while waiting or retrying (default 2048, `OTEL_BLRP_MAX_QUEUE_SIZE`); past it the overflow policy applies. */
  maxQueueSize?: number;
  /** 'drop-new' (default: the record that does not fit is dropped, as the SDK does) or 'drop-oldest'. */
  overflow?: 'drop-new' | 'drop-oldest';
  /** Retries of one batch after 429/502/503/504, a network error or a timeout (default 5); then the batch is dropped and counted in `failed`. */
  maxRetries?: number;
  /** First retry delay, ms (default 1000), doubled per retry with ±20 % jitter; a Retry-After answer sets the delay instead. */
  retryStart?: number;
  /** Longest retry delay, ms, also capping Retry-After (default 30000). */
  retryMax?: number;
  /** Longest close() waits for the backlog to be sent, ms (default 10000). */
  closeTimeout?: number;
  /** TLS: CA certificate(s) (default from `OTEL_EXPORTER_OTLP_[LOGS_]CERTIFICATE`, a file path). */
  ca?: string | Buffer;
  /** TLS client certificate (default `OTEL_EXPORTER_OTLP_[LOGS_]CLIENT_CERTIFICATE`). */
  cert?: string | Buffer;
  /** TLS client key (default `OTEL_EXPORTER_OTLP_[LOGS_]CLIENT_KEY`). */
  key?: string | Buffer;
  /** Verify the collector's certificate (default true). */
  rejectUnauthorized?: boolean;
  /** Send `code.*` attributes, making log calls capture their caller (default true). */
  codeAttributes?: boolean;
  /** Instrumentation scope version sent with each logger name. */
  scopeVersion?: string;
  /** Environment to read (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** Everything resolved. */
export interface OTLPSettings {
  url: URL;
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  timeout: number;
  resource: Record<string, OtelValue>;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  maxQueueSize: number;
  overflow: 'drop-new' | 'drop-oldest';
  maxRetries: number;
  retryStart: number;
  retryMax: number;
  closeTimeout: number;
  tls: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized: boolean };
}

function fail(key: string, got: unknown, accepted: string): never {
  throw new ConfigError(`OTLPHandler: ${key}: expected ${accepted} (got ${JSON.stringify(got)})`);
}

function pick(env: Record<string, string | undefined>, name: string): string | undefined {
  const v = env[`OTEL_EXPORTER_OTLP_LOGS_${name}`] ?? env[`OTEL_EXPORTER_OTLP_${name}`];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** `k1=v1,k2=v2` with percent-encoded values (the W3C Baggage-like form the OTel spec uses for headers and resource attributes). */
export function parseKeyValueList(text: string, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) fail(key, text, "comma-separated 'key=value' pairs");
    try {
      out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      fail(key, text, 'percent-encoded key=value pairs');
    }
  }
  return out;
}

function num(v: unknown, key: string, min: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min) fail(key, v, `a number >= ${min}`);
  return n;
}

function file(path: string | undefined, key: string): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(`OTLPHandler: ${key}: cannot read ${JSON.stringify(path)}: ${(e as Error).message}`, { cause: e });
  }
}

/** Resolve options + environment into settings; throws a ConfigError naming the option or variable at fault. */
export function resolveOTLPSettings(o: OTLPHandlerOptions): OTLPSettings {
  const env = o.env ?? process.env;
  let endpoint = o.endpoint;
  if (endpoint === undefined) {
    const logs = env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT?.trim();
    const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
    endpoint = logs ? logs : base ? `${base.replace(/\/+$/, '')}/v1/logs` : 'http://localhost:4318/v1/logs';
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    fail('endpoint', endpoint, 'an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('endpoint', endpoint, 'an http:// or https:// URL');
  const protocol = o.protocol ?? pick(env, 'PROTOCOL') ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') fail('protocol (OTEL_EXPORTER_OTLP_PROTOCOL)', protocol, "'http/protobuf' or 'http/json' (gRPC is not supported: point the handler at the collector's HTTP port, 4318)");
  const compression = o.compression ?? pick(env, 'COMPRESSION') ?? 'none';
  if (compression !== 'gzip' && compression !== 'none') fail('compression (OTEL_EXPORTER_OTLP_COMPRESSION)', compression, "'gzip' or 'none'");
  const envHeaders = pick(env, 'HEADERS');
  const headers = { ...(envHeaders ? parseKeyValueList(envHeaders, 'OTEL_EXPORTER_OTLP_HEADERS') : {}), ...(o.headers ?? {}) };
  const resource: Record<string, OtelValue> = {};
  const envRes = env.OTEL_RESOURCE_ATTRIBUTES?.trim();
  Object.assign(resource, envRes ? parseKeyValueList(envRes, 'OTEL_RESOURCE_ATTRIBUTES') : {});
  const serviceName = o.serviceName ?? (env.OTEL_SERVICE_NAME?.trim() || undefined) ?? (resource['service.name'] as string | undefined) ?? 'unknown_service:node';
  const merged: Record<string, OtelValue> = { 'service.name': serviceName };
  for (const [k, v] of Object.entries({ ...resource, ...(o.resourceAttributes ?? {}) })) if (k !== 'service.name') merged[k] = v;
  const overflow = o.overflow ?? 'drop-new';
  if (overflow !== 'drop-new' && overflow !== 'drop-oldest') fail('overflow', overflow, "'drop-new' or 'drop-oldest'");
  const timeoutEnv = pick(env, 'TIMEOUT');
  return {
    url,
    protocol,
    headers,
    compression,
    timeout: num(o.timeout ?? timeoutEnv ?? 10000, 'timeout (OTEL_EXPORTER_OTLP_TIMEOUT)', 1),
    resource: merged,
    maxExportBatchSize: Math.floor(num(o.maxExportBatchSize ?? env.OTEL_BLRP_MAX_EXPORT_BATCH_SIZE ?? 512, 'maxExportBatchSize (OTEL_BLRP_MAX_EXPORT_BATCH_SIZE)', 1)),
    scheduledDelayMillis: num(o.scheduledDelayMillis ?? env.OTEL_BLRP_SCHEDULE_DELAY ?? 1000, 'scheduledDelayMillis (OTEL_BLRP_SCHEDULE_DELAY)', 0),
    maxQueueSize: Math.floor(num(o.maxQueueSize ?? env.OTEL_BLRP_MAX_QUEUE_SIZE ?? 2048, 'maxQueueSize (OTEL_BLRP_MAX_QUEUE_SIZE)', 1)),
    overflow,
    maxRetries: Math.floor(num(o.maxRetries ?? 5, 'maxRetries', 0)),
    retryStart: num(o.retryStart ?? 1000, 'retryStart', 0),
    retryMax: num(o.retryMax ?? 30000, 'retryMax', 0),
    closeTimeout: num(o.closeTimeout ?? 10000, 'closeTimeout', 0),
    tls: {
      ca: o.ca ?? file(pick(env, 'CERTIFICATE'), 'OTEL_EXPORTER_OTLP_CERTIFICATE'),
      cert: o.cert ?? file(pick(env, 'CLIENT_CERTIFICATE'), 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE'),
      key: o.key ?? file(pick(env, 'CLIENT_KEY'), 'OTEL_EXPORTER_OTLP_CLIENT_KEY'),
      rejectUnauthorized: o.rejectUnauthorized ?? true,
    },
  };
}
