// N × info("request handled %d", i, { user, headers }) through FileHandler +
// JsonFormatter, with the ten redaction paths of redact-fields.mjs (arg 10) or
// none (arg 0): the cost of redaction is the difference between the two rows.
import { hostname } from 'node:os';
import { FileHandler, JsonFormatter, kw } from '../../src/index.js';
import { appLogger } from './setup.js';
import { PATHS, fields } from './redact-fields.mjs';

const [file, nArg, pathsArg] = process.argv.slice(2);
const n = Number(nArg);
const h = new FileHandler(file!, { mode: 'w', buffered: true });
const redact = pathsArg === '0' ? null : { paths: PATHS };
const log = appLogger(h, new JsonFormatter({ time: 'epochMillis', staticFields: { pid: process.pid, hostname: hostname() }, redact }));
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) log.info('request handled %d', i, kw({ extra: fields(i) }));
const t1 = process.hrtime.bigint();
await h.close();
const t2 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ recordsPerSec: (n * 1e9) / Number(t2 - t0), callerNs: Number(t1 - t0) / n }) + '\n');
