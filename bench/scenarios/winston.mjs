// winston File transport, text lines like logflume's format.
import winston from 'winston';
import { now, report, disabledNs } from './common.mjs';
const [file, nArg] = process.argv.slice(2);
const n = Number(nArg);
const logger = winston.createLogger({
  level: 'info',
  format: winston.format.combine(winston.format.splat(), winston.format.timestamp(), winston.format.printf((i) => `${i.timestamp} ${i.level.toUpperCase()} app.http ${i.message}`)),
  transports: [new winston.transports.File({ filename: file })],
});
const t0 = now();
for (let i = 0; i < n; i++) logger.info('request handled %d', i);
const t1 = now();
await new Promise((resolve) => {
  logger.on('finish', () => setTimeout(resolve, 50));
  logger.end();
});
const t2 = now();
const l2 = winston.createLogger({ level: 'info', transports: [new winston.transports.Console({ silent: true })] });
report(n, t0, t1, t2, { disabledNs: disabledNs((i) => l2.debug('request handled %d', i), 2_000_000) });
