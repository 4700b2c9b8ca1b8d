// The practical ceiling: cached timestamp text, lines batched into 64 KiB writeSync calls.
import { openSync, writeSync, closeSync } from 'node:fs';
import { now, report } from './common.mjs';
const [file, nArg] = process.argv.slice(2);
const n = Number(nArg);
const fd = openSync(file, 'w');
let buf = '';
let lastSec = -1;
let stamp = '';
const t0 = now();
for (let i = 0; i < n; i++) {
  const ms = Date.now();
  const sec = Math.floor(ms / 1000);
  if (sec !== lastSec) {
    lastSec = sec;
    stamp = new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  }
  buf += stamp + ',' + String(ms % 1000).padStart(3, '0') + ' INFO app.http request handled ' + i + '\n';
  if (buf.length >= 65536) {
    writeSync(fd, buf);
    buf = '';
  }
}
const t1 = now();
writeSync(fd, buf);
closeSync(fd);
const t2 = now();
report(n, t0, t1, t2, { disabledNs: 0 });
