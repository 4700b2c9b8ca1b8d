// N × info("request handled %d", i) from logger app.http through RotatingFileHandler
// with '%(asctime)s %(levelname)s %(name)s %(message)s'. Prints JSON.
// Usage: logflume-rotating.ts FILE N ROLL   (ROLL 0: maxBytes far above the output, so the
// size check runs on every record but never fires; ROLL 1: 1 MiB rollovers).
// After timing, the backups are concatenated back into FILE (oldest first) and removed,
// so the runner's line check sees every record exactly once, in order.
import { readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { getLogger, Formatter, INFO } from '../../src/index.js';
import { RotatingFileHandler } from '../../src/handlers/index.js';

const [file, nArg, rollArg] = process.argv.slice(2);
const n = Number(nArg);
const roll = rollArg === '1';
const maxBytes = roll ? 1024 * 1024 : 2 ** 52;
const h = new RotatingFileHandler(file!, { mode: 'w', maxBytes, backupCount: 1000 });
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

let rollovers = 0;
while (existsSync(`${file}.${rollovers + 1}`)) rollovers++;
if (rollovers > 0) {
  const parts: Buffer[] = [];
  for (let k = rollovers; k >= 1; k--) {
    parts.push(readFileSync(`${file}.${k}`));
    rmSync(`${file}.${k}`);
  }
  parts.push(readFileSync(file!));
  writeFileSync(file!, Buffer.concat(parts));
}
const callerNs = Number(t1 - t0) / n;
const totalNs = Number(t2 - t0);
process.stdout.write(JSON.stringify({ recordsPerSec: (n * 1e9) / totalNs, callerNs, rollovers }) + '\n');
