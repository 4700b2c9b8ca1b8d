// N × info("request handled %d", i) from logger app.http through FileHandler
// with '%(asctime)s %(levelname)s %(name)s %(message)s'. Prints JSON.
import { getLogger, FileHandler, Formatter, INFO } from '../../src/index.js';

const [file, nArg, bufferedArg] = process.argv.slice(2);
const n = Number(nArg);
const h = new FileHandler(file!, { mode: 'w', buffered: bufferedArg === '1' });
h.setFormatter(new Formatter('%(asctime)s %(levelname)s %(name)s %(message)s'));
const log = getLogger('app.http');
log.setLevel(INFO);
log.addHandler(h);
log.propagate = false;

const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) log.info('request handled %d', i);
const t1 = process.hrtime.bigint();
await h.close();
const t2 = process.hrtime.bigint();
const callerNs = Number(t1 - t0) / n;
const totalNs = Number(t2 - t0);
const m = 20_000_000;
for (let i = 0; i < 1_000_000; i++) log.debug('request handled %d', i);
const d0 = process.hrtime.bigint();
for (let i = 0; i < m; i++) log.debug('request handled %d', i);
const disabledNs = Number(process.hrtime.bigint() - d0) / m;
process.stdout.write(JSON.stringify({ recordsPerSec: (n * 1e9) / totalNs, callerNs, disabledNs }) + '\n');
