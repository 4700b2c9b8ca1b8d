// docs/opentelemetry.md's collector configuration: it parses as YAML and every
// component a pipeline names is defined, of a type the collector ships
// (otelcol / otelcol-contrib), with the OTLP/HTTP receiver on port 4318.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const page = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'opentelemetry.md'), 'utf8');
const KNOWN = {
  receivers: ['otlp'],
  processors: ['batch', 'memory_limiter', 'resource', 'attributes', 'filter', 'transform'],
  exporters: ['otlp', 'otlphttp', 'elasticsearch', 'loki', 'debug', 'file', 'clickhouse'],
} as const;

test('docs/opentelemetry.md – the collector configuration parses and every pipeline component is defined, of a known type', () => {
  const blocks = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.equal(blocks.length, 1);
  const cfg = parse(blocks[0]!, { strict: true, uniqueKeys: true }) as Record<string, Record<string, unknown>>;
  const http = (cfg.receivers!.otlp as { protocols: { http: { endpoint: string } } }).protocols.http;
  assert.match(http.endpoint, /:4318$/);
  const pipelines = (cfg.service as { pipelines: Record<string, Record<string, string[]>> }).pipelines;
  assert.ok(pipelines.logs, 'a logs pipeline');
  for (const [name, p] of Object.entries(pipelines)) {
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      for (const id of p[kind] ?? []) {
        assert.ok(cfg[kind] && id in cfg[kind]!, `${name}.${kind}: ${id} is defined`);
        assert.ok((KNOWN[kind] as readonly string[]).includes(id.split('/')[0]!), `${id} is a ${kind.slice(0, -1)} type the collector has`);
      }
    }
  }
  assert.deepEqual(pipelines.logs!.exporters, ['otlphttp/loki', 'elasticsearch']);
});
