// Peers logging N JSON or text lines to stdout (the measured destination);
// timing goes to fd 3 (see stdout-driver.mjs).
import { writeSync } from 'node:fs';
const [who, nArg] = process.argv.slice(2);
const n = Number(nArg);
const now = () => process.hrtime.bigint();
let log;
let done = async () => {};
if (who === 'pino') {
  const pino = (await import('pino')).default;
  log = pino({ level: 'info', name: 'app.http' }); // its default destination: sonic-boom on fd 1, one write per record
  done = async () => {};
} else if (who === 'winston') {
  const winston = (await import('winston')).default;
  const logger = winston.createLogger({ level: 'info', format: winston.format.combine(winston.format.splat(), winston.format.timestamp(), winston.format.json()), defaultMeta: { name: 'app.http' }, transports: [new winston.transports.Console()] });
  log = logger;
  done = () => new Promise((resolve) => {
    logger.on('finish', resolve);
    logger.end();
  });
} else if (who === 'console') {
  log = { info: (fmt, i) => console.log(JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, name: 'app.http', msg: `request handled ${i}` })) };
} else throw new Error(`unknown peer ${who}`);
const t0 = now();
if (who === 'console') for (let i = 0; i < n; i++) log.info('request handled %d', i);
else for (let i = 0; i < n; i++) log.info('request handled %d', i);
const t1 = now();
await done();
const t2 = now();
writeSync(3, JSON.stringify({ recordsPerSec: (n * 1e9) / Number(t2 - t0), callerNs: Number(t1 - t0) / n }) + '\n');
