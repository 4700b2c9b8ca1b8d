// pino in three modes: sync destination, async destination (sonic-boom), worker transport.
import pino from 'pino';
import { now, report, disabledNs } from './common.mjs';
const [file, nArg, mode] = process.argv.slice(2);
const n = Number(nArg);
let dest;
if (mode === 'sync') dest = pino.destination({ dest: file, sync: true });
else if (mode === 'async') {
  dest = pino.destination({ dest: file, sync: false, minLength: 4096 });
  await new Promise((resolve) => dest.once('ready', resolve));
}
else dest = pino.transport({ target: 'pino/file', options: { destination: file } });
const root = pino({ level: 'info' }, dest);
const log = root.child({ name: 'app.http' });
const t0 = now();
for (let i = 0; i < n; i++) log.info('request handled %d', i);
const t1 = now();
if (mode === 'transport') {
  const keepAlive = setInterval(() => {}, 1000); // thread-stream's worker is unref'd
  await new Promise((resolve) => {
    dest.once('close', resolve);
    dest.end();
  });
  clearInterval(keepAlive);
} else {
  dest.flushSync();
}
const t2 = now();
report(n, t0, t1, t2, { disabledNs: disabledNs((i) => log.debug('request handled %d', i)) });
if (mode !== 'transport') dest.end();
