// logflume logging N lines to stdout (the measured destination): StreamHandler
// (process.stdout) with JsonFormatter (pino's fields) or the text format, or
// basicConfig({ stream: process.stdout }); a "-buffered" suffix (json-buffered, text-buffered)
// turns on StreamHandler({ buffered: true }). Timing goes to fd 3 (see stdout-driver.mjs).
import { writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { StreamHandler, JsonFormatter, Formatter, basicConfig, getLogger, shutdown, INFO } from '../../src/index.js';
import { appLogger, TEXT_FORMAT } from './setup.js';

const [modeArg, nArg] = process.argv.slice(2);
const buffered = modeArg!.endsWith('-buffered');
const mode = modeArg!.replace(/-buffered$/, '');
const n = Number(nArg);
let log;
if (mode === 'basic') {
  basicConfig({ stream: process.stdout, level: INFO, format: TEXT_FORMAT });
  log = getLogger('app.http');
} else {
  const h = new StreamHandler(process.stdout, { buffered });
  const fmt = mode === 'json' ? new JsonFormatter({ time: 'epochMillis', staticFields: { pid: process.pid, hostname: hostname() } }) : new Formatter(TEXT_FORMAT);
  log = appLogger(h, fmt);
}
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) log.info('request handled %d', i);
const t1 = process.hrtime.bigint();
await shutdown();
const t2 = process.hrtime.bigint();
writeSync(3, JSON.stringify({ recordsPerSec: (n * 1e9) / Number(t2 - t0), callerNs: Number(t1 - t0) / n }) + '\n');
