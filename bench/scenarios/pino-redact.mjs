// pino's side of the redaction rows: the same fields, async destination, with
// `redact` on the ten paths (arg 10) or none (arg 0).
import pino from 'pino';
import { now, report } from './common.mjs';
import { PATHS, fields } from './redact-fields.mjs';
const [file, nArg, pathsArg] = process.argv.slice(2);
const n = Number(nArg);
const dest = pino.destination({ dest: file, sync: false, minLength: 4096 });
await new Promise((resolve) => dest.once('ready', resolve));
const log = pino({ level: 'info', ...(pathsArg === '0' ? {} : { redact: PATHS }) }, dest).child({ name: 'app.http' });
const t0 = now();
for (let i = 0; i < n; i++) log.info(fields(i), 'request handled %d', i);
const t1 = now();
dest.flushSync();
const t2 = now();
report(n, t0, t1, t2);
dest.end();
