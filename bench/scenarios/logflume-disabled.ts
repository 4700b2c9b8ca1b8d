// ns per debug() call on a logger at INFO (the disabled path). Prints JSON.
import { getLogger, INFO } from '../../src/index.js';

const n = Number(process.argv[2] ?? 50_000_000);
const log = getLogger('app.http');
log.setLevel(INFO);
let i = 0;
for (; i < 1_000_000; i++) log.debug('request handled %d', i); // warm-up
const t0 = process.hrtime.bigint();
for (i = 0; i < n; i++) log.debug('request handled %d', i);
const t1 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ disabledNs: Number(t1 - t0) / n }) + '\n');
