// bunyan JSON lines to a file stream.
import bunyan from 'bunyan';
import { createWriteStream } from 'node:fs';
import { now, report, disabledNs } from './common.mjs';
const [file, nArg] = process.argv.slice(2);
const n = Number(nArg);
const stream = createWriteStream(file);
const log = bunyan.createLogger({ name: 'app.http', streams: [{ stream, level: 'info' }] });
const t0 = now();
for (let i = 0; i < n; i++) log.info('request handled %d', i);
const t1 = now();
await new Promise((resolve) => stream.end(resolve));
const t2 = now();
report(n, t0, t1, t2, { disabledNs: disabledNs((i) => log.debug('request handled %d', i)) });
