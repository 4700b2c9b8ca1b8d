// Path redaction alone, three ways, on the bench's ten paths and record fields:
// logflume's Redactor (hand-written, copy on write), fast-redact (generated code,
// mutates then restores), @pinojs/redact (pino 10's, selective cloning). Each
// produces the JSON text of the redacted object, as a log line needs.
//   node --import tsx bench/redact-compare.ts [iterations]
import { createRequire } from 'node:module';
import { Redactor } from '../src/index.js';
import { PATHS, fields } from './scenarios/redact-fields.mjs';

const require = createRequire(import.meta.url);
const fastRedact = require('fast-redact') as (o: { paths: string[]; serialize?: unknown }) => (obj: object) => string;
const pinoRedact = require('@pinojs/redact') as (o: { paths: string[]; serialize?: unknown }) => (obj: object) => string;

const n = Number(process.argv[2] ?? 300_000);
const ours = new Redactor({ paths: PATHS });
const fr = fastRedact({ paths: PATHS });
const pr = pinoRedact({ paths: PATHS });
const ways: [string, (o: object) => string][] = [
  ['plain JSON.stringify, no redaction (floor)', (o) => JSON.stringify(o)],
  ['logflume Redactor + JSON.stringify', (o) => JSON.stringify(ours.redact(o))],
  ['fast-redact', (o) => fr(o)],
  ['@pinojs/redact', (o) => pr(o)],
];
const sample = fields(1);
const want = JSON.stringify(ours.redact(sample));
for (const [name, f] of ways.slice(1)) if (f(fields(1)) !== want) console.warn(`${name} gives a different result: ${f(fields(1))}`);
const rows: string[] = [];
for (let round = 0; round < 2; round++) {
  for (const [name, f] of ways) {
    let sink = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += f(fields(i)).length;
    const ns = Number(process.hrtime.bigint() - t0) / n;
    if (round === 1) rows.push(`| ${name} | ${ns.toFixed(0)} |`);
    if (sink === 0) console.log('');
  }
}
console.log(`| ${n.toLocaleString('en-US')} objects, 10 paths | ns per object |\n|---|---|\n${rows.join('\n')}`);
