// N × info("request handled %d", i) from logger app.http through RotatingFileHandler
// with '%(asctime)s %(levelname)s %(name)s %(message)s'. Prints JSON.
// Usage: logflume-rotating.ts FILE N ROLL   (ROLL 0: maxBytes far above the output, so the
// size check runs on every record but never fires; ROLL 1: 1 MiB rollovers).
// After timing, the backups are concatenated back into FILE (oldest first) and removed,
// so the runner's line check sees every record exactly once, in order.
import { readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { RotatingFileHandler } from '../../src/handlers/index.js';
import { appLogger, timedBurst } from './setup.js';

const [file, nArg, rollArg] = process.argv.slice(2);
const n = Number(nArg);
const roll = rollArg === '1';
const maxBytes = roll ? 1024 * 1024 : 2 ** 52;
const h = new RotatingFileHandler(file!, { mode: 'w', maxBytes, backupCount: 1000 });
const log = appLogger(h);
const timing = await timedBurst(log, n, () => h.close());

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
process.stdout.write(JSON.stringify({ ...timing, rollovers }) + '\n');
