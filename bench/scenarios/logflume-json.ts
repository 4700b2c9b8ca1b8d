// N × info("request handled %d", i) from logger app.http through FileHandler
// with JsonFormatter (time, level, logger, msg — the fields pino writes, less
// pid/hostname). Prints JSON like the other scenarios.
import { FileHandler, JsonFormatter } from '../../src/index.js';
import { appLogger, timedBurst } from './setup.js';

const [file, nArg, bufferedArg] = process.argv.slice(2);
const n = Number(nArg);
const h = new FileHandler(file!, { mode: 'w', buffered: bufferedArg !== '0' });
const log = appLogger(h, new JsonFormatter({ time: 'epochMillis' }));
process.stdout.write(JSON.stringify(await timedBurst(log, n, () => h.close())) + '\n');
