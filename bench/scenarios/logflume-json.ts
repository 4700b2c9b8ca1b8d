// N × info("request handled %d", i) from logger app.http through FileHandler
// with JsonFormatter: pid, hostname, time (epoch ms), level, logger, msg — the
// fields pino writes. Prints JSON like the other scenarios.
import { hostname } from 'node:os';
import { FileHandler, JsonFormatter } from '../../src/index.js';
import { appLogger, timedBurst } from './setup.js';

const [file, nArg, bufferedArg] = process.argv.slice(2);
const n = Number(nArg);
const h = new FileHandler(file!, { mode: 'w', buffered: bufferedArg !== '0' });
const log = appLogger(h, new JsonFormatter({ time: 'epochMillis', staticFields: { pid: process.pid, hostname: hostname() } }));
process.stdout.write(JSON.stringify(await timedBurst(log, n, () => h.close())) + '\n');
