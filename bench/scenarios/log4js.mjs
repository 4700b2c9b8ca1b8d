// log4js file appender with a pattern layout like logflume's format.
import log4js from 'log4js';
import { now, report, disabledNs } from './common.mjs';
const [file, nArg] = process.argv.slice(2);
const n = Number(nArg);
log4js.configure({
  appenders: { f: { type: 'file', filename: file, layout: { type: 'pattern', pattern: '%d %p %c %m' } } },
  categories: { default: { appenders: ['f'], level: 'info' } },
});
const log = log4js.getLogger('app.http');
const t0 = now();
for (let i = 0; i < n; i++) log.info('request handled %d', i);
const t1 = now();
await new Promise((resolve) => log4js.shutdown(resolve));
const t2 = now();
report(n, t0, t1, t2, { disabledNs: disabledNs((i) => log.debug('request handled %d', i), 2_000_000) });
