// The field-guide recipe: keep DEBUG/INFO context in memory and write it out
// together with the first ERROR, so a quiet log still explains each failure.
//
//   node --import tsx examples/buffer-until-error.ts
//
// Each request gets its records buffered by a MemoryHandler (capacity 200,
// flushLevel ERROR). A request that succeeds leaves nothing behind; one that
// fails writes its whole story, in order, to stderr.
import { getLogger, StreamHandler, Formatter, DEBUG, ERROR, kw } from '../src/index.js';
import { MemoryHandler } from '../src/handlers/index.js';

const console_ = new StreamHandler(process.stderr);
console_.setFormatter(new Formatter('%(asctime)s %(levelname)-7s %(name)s: %(message)s'));

const log = getLogger('app.request');
log.setLevel(DEBUG);
log.propagate = false;

function handleRequest(id: number, fail: boolean): void {
  // a fresh buffer per request; flushOnClose false: a clean request leaves no trace
  const mem = new MemoryHandler(200, { flushLevel: ERROR, target: console_, flushOnClose: false });
  log.addHandler(mem);
  try {
    log.debug('request %d: parsed headers', id);
    log.info('request %d: user %s authenticated', id, 'alice');
    log.debug('request %d: cache miss for %s', id, '/orders/17');
    if (fail) throw new Error('database timeout');
    log.info('request %d: done', id);
  } catch (e) {
    log.error('request %d failed', id, kw({ exc_info: e }));
  } finally {
    log.removeHandler(mem);
    void mem.close();
  }
}

handleRequest(1, false);
handleRequest(2, true); // only this one is written: 3 context records + the error
handleRequest(3, false);
