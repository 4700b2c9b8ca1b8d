// N × info("request handled %d", i) from logger app.http through FileHandler
// with '%(asctime)s %(levelname)s %(name)s %(message)s'. Prints JSON.
import { FileHandler } from '../../src/index.js';
import { appLogger, timedBurst } from './setup.js';

const [file, nArg, bufferedArg] = process.argv.slice(2);
const n = Number(nArg);
const h = new FileHandler(file!, { mode: 'w', buffered: bufferedArg === '1' });
const log = appLogger(h);
const { recordsPerSec, callerNs } = await timedBurst(log, n, () => h.close());
const m = 20_000_000;
for (let i = 0; i < 1_000_000; i++) log.debug('request handled %d', i);
const d0 = process.hrtime.bigint();
for (let i = 0; i < m; i++) log.debug('request handled %d', i);
const disabledNs = Number(process.hrtime.bigint() - d0) / m;
process.stdout.write(JSON.stringify({ recordsPerSec, callerNs, disabledNs }) + '\n');
