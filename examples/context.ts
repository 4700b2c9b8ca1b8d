/**
 * Request context: every line logged while serving a request carries its
 * requestId, across awaits, without passing a logger around.
 * Run: node --import tsx examples/context.ts
 */
import { createServer, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { getLogger, root, StreamHandler, Formatter, withContext, updateContext } from '../src/index.js';

const handler = new StreamHandler(process.stdout);
// `defaults` fills requestId for records logged outside any request.
handler.setFormatter(new Formatter('%(levelname)-7s [%(requestId)s] %(name)s: %(message)s', null, '%', true, { requestId: '-' }));
root.addHandler(handler);
root.setLevel('INFO');

const db = getLogger('app.db');
const http = getLogger('app.http');

async function loadUser(id: string): Promise<string> {
  await sleep(5); // any async work: the context follows
  db.info('SELECT user %s', id);
  return `user-${id}`;
}

const server = createServer((req, res) => {
  const requestId = String(req.headers['x-request-id'] ?? randomUUID());
  void withContext({ requestId }, async () => {
    http.info('%s %s', req.method, req.url);
    const user = await loadUser(req.url!.slice(1));
    updateContext({ user });
    http.info('done');
    res.end(user);
  });
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address() as { port: number };
  http.info('listening on %d', port);
  const get = (path: string, id: string) =>
    new Promise<void>((resolve) => request({ port, path, headers: { 'x-request-id': id } }, (r) => r.resume().on('end', resolve)).end());
  await Promise.all([get('/1', 'req-A'), get('/2', 'req-B')]);
  server.close();
});
