/**
 * JSON lines in production, colours in development — chosen once at start-up.
 * Run: node --import tsx examples/json-production.ts          (JSON on stdout)
 *      NODE_ENV=development node --import tsx examples/json-production.ts
 */
import { getLogger, StreamHandler, JsonFormatter, ColorFormatter, kw, root } from '../src/index.js';

const dev = process.env.NODE_ENV === 'development';
const handler = new StreamHandler(process.stdout);
handler.setFormatter(
  dev
    ? new ColorFormatter({ stream: process.stdout })
    : new JsonFormatter({ staticFields: { service: 'checkout', pid: process.pid } }),
);
root.addHandler(handler);
root.setLevel('INFO');

const log = getLogger('checkout.payments');
log.info('payment accepted for order %s', 'A-1001', kw({ extra: { amountCents: 4200, currency: 'EUR' } }));
log.debug('not shown: below INFO');

try {
  JSON.parse('{not json');
} catch (err) {
  const wrapped = new Error('gateway sent an unreadable reply', { cause: err });
  log.error('payment failed for order %s', 'A-1002', kw({ exc_info: wrapped, extra: { attempt: 3, orderId: 10_000_000_000_000_001n } }));
}
