// An Express 5 service logged the production way with logflume:
//   - JSON lines on stdout in production, readable colour lines in development
//     (or pipe the JSON through `npx logflume pretty`);
//   - a rotating JSON log file (10 MiB × 5) beside it;
//   - secrets redacted before any handler sees them;
//   - one record per request with its id, status and duration; every record a
//     handler logs carries the request id;
//   - graceful shutdown: stop accepting, finish requests, flush every handler.
//
//   NODE_ENV=production node --import tsx examples/express-service/server.ts
//   node --import tsx examples/express-service/server.ts --self-test
import express from 'express';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
// in your project: from 'logflume', 'logflume/handlers', 'logflume/http', 'logflume/pretty'
import { getLogger, root, StreamHandler, JsonFormatter, RedactingFilter, shutdown, INFO } from '../../src/index.js';
import { RotatingFileHandler } from '../../src/handlers/index.js';
import { RequestLogger } from '../../src/http/index.js';
import { PrettyFormatter } from '../../src/pretty/index.js';

const production = process.env.NODE_ENV === 'production';
const selfTest = process.argv.includes('--self-test');
const logDir = process.env.LOG_DIR ?? join(tmpdir(), 'express-service-logs');
mkdirSync(logDir, { recursive: true });

// ---- logging -----------------------------------------------------------------
const secrets = new RedactingFilter({
  paths: ['password', 'body.password', 'body.card', '*.token', 'req.headers.cookie'],
  patterns: ['creditCard', 'bearerToken'],
});
const console_ = new StreamHandler(process.stdout);
console_.setFormatter(production ? new JsonFormatter({ staticFields: { service: 'orders' } }) : new PrettyFormatter({ colors: process.stdout.isTTY === true }));
const file = new RotatingFileHandler(join(logDir, 'app.log'), { maxBytes: 10 * 1024 * 1024, backupCount: 5 });
file.setFormatter(new JsonFormatter({ staticFields: { service: 'orders' } }));
for (const h of [console_, file]) {
  h.addFilter(secrets); // on the handlers: records propagated from every logger pass them
  root.addHandler(h);
}
root.setLevel(INFO);
const log = getLogger('orders');

// ---- the app -----------------------------------------------------------------
const requests = new RequestLogger({ logger: 'http', ignore: ['/health'] });
const app = express();
app.use(requests.middleware());
app.use(express.json({ limit: '100kb' }));
app.get('/health', (_req, res) => void res.send('ok'));
app.post('/login', (req, res) => {
  log.info('login attempt', { body: req.body }); // the password never reaches a log
  res.json({ ok: true });
});
app.get('/orders/:id', async (req, res) => {
  await new Promise((r) => setTimeout(r, 2));
  log.info('order %s loaded', req.params.id);
  res.json({ id: req.params.id });
});
app.get('/boom', async () => {
  throw new Error('payment backend unreachable', { cause: new Error('ECONNREFUSED') });
});
app.use(requests.errorMiddleware()); // the error goes on the request's record, with its stack
app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).json({ error: 'internal error' }));

const server = app.listen(selfTest ? 0 : Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  log.info('listening on http://127.0.0.1:%d (log file %s)', port, join(logDir, 'app.log'));
  if (selfTest) void exercise(port);
});

// ---- graceful shutdown -------------------------------------------------------
let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('%s: closing', signal);
  server.close(); // stop accepting; open requests finish
  server.closeIdleConnections();
  await new Promise((r) => server.once('close', r));
  await shutdown(); // flush and close every handler
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

async function exercise(port: number): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  await (await fetch(`${base}/health`)).text();
  await (await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ann', password: 'hunter2', card: '4111 1111 1111 1111' }) })).text();
  await (await fetch(`${base}/orders/42`, { headers: { 'x-request-id': 'demo-42', cookie: 'sid=secret' } })).text();
  await (await fetch(`${base}/boom`)).text();
  process.kill(process.pid, 'SIGTERM');
}
