// N × info("request handled %d", i) from logger app.http through FileHandler
// with JsonFormatter (time, level, logger, msg — the fields pino writes, less
// pid/hostname). Prints JSON like the other scenarios.
import { getLogger, FileHandler, JsonFormatter, INFO } from '../../src/index.js';

const [file, nArg, bufferedArg] = process.argv.slice(2);
const n = Number(nArg);
const h = new FileHandler(file!, { mode: 'w', buffered: bufferedArg !== '0' });
h.setFormatter(new JsonFormatter({ time: 'epochMillis' }));
const log = getLogger('app.http');
log.setLevel(INFO);
log.addHandler(h);
log.propagate = false;

const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) log.info('request handled %d', i);
const t1 = process.hrtime.bigint();
await h.close();
const t2 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ recordsPerSec: (n * 1e9) / Number(t2 - t0), callerNs: Number(t1 - t0) / n }) + '\n');
