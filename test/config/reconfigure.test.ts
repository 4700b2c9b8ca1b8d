// Issue 18 item 16: what docs/config.md ("Reconfiguring") says about the previous config's
// handlers, checked on real files and against CPython 3.11 running the same two configs:
// a replaced handler is flushed and closed; one still attached to a logger the new config
// does not name stays open, and records its enabled children propagate to it keep arriving
// (CPython closes it and its FileHandler reopens the file on the next record: same lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLogger, FileHandler, Logger } from '../../src/index.js';
import { dictConfigAsync, type DictConfig } from '../../src/config/index.js';
import { runPython } from '../helpers/python.js';
import { isolateLogging } from '../helpers/capture.js';

isolateLogging();

const configs = (dir: string): Record<string, unknown>[] => {
  const fh = (name: string) => ({ class: 'logging.FileHandler', filename: join(dir, name), formatter: 'f' });
  const formatters = { f: { format: '%(name)s %(message)s' } };
  return [
    { version: 1, formatters, handlers: { onRoot: fh('root1.log'), onX: fh('x.log') }, loggers: { x: { level: 'DEBUG', handlers: ['onX'] } }, root: { level: 'INFO', handlers: ['onRoot'] } },
    // names neither x nor the old handlers; x is disabled, x.y is configured and propagates to x
    { version: 1, formatters, handlers: { fresh: fh('root2.log') }, loggers: { 'x.y': { level: 'DEBUG' } }, root: { level: 'INFO', handlers: ['fresh'] } },
  ];
};
const LOG: [string, string][] = [
  ['x', 'one'],
  ['x.y', 'two'],
  ['', 'three'],
];
const FILES = ['root1.log', 'x.log', 'root2.log'];

test('dictConfig() reconfiguring – replaced handlers are closed; a handler still attached to an unnamed logger stays open and keeps its records (same files as CPython)', async () => {
  const ours = mkdtempSync(join(tmpdir(), 'logflume-reconf-'));
  const theirs = mkdtempSync(join(tmpdir(), 'logflume-reconf-py-'));
  try {
    const py = runPython<{ files: Record<string, string | null>; closed: Record<string, boolean> }>(
      String.raw`
import json, sys, logging, logging.config as C
inp = json.load(sys.stdin)
c1, c2 = inp['configs']
def log():
    for name, msg in inp['log']:
        logging.getLogger(name).warning(msg)
C.dictConfig(c1)
log()
old = {h.name: h for h in logging.root.handlers + logging.getLogger('x').handlers}
C.dictConfig(c2)
closed = {n: h.stream is None for n, h in old.items()}
log()
logging.shutdown()
files = {}
for f in inp['files']:
    try: files[f] = open(inp['dir'] + '/' + f).read()
    except FileNotFoundError: files[f] = None
print(json.dumps({'files': files, 'closed': closed}))
`,
      { configs: configs(theirs), log: LOG, files: FILES, dir: theirs },
    );
    const [c1, c2] = configs(ours);
    const log = () => {
      for (const [name, msg] of LOG) getLogger(name).warning(msg);
    };
    await dictConfigAsync(c1 as DictConfig);
    log();
    const onRoot = Logger.root.handlers[0] as FileHandler;
    const onX = getLogger('x').handlers[0] as FileHandler;
    await dictConfigAsync(c2 as DictConfig);
    assert.equal(onRoot.stream, null, 'the replaced root handler is closed');
    assert.ok(getLogger('x').disabled && getLogger('x').handlers.includes(onX), 'x is disabled and keeps its handler');
    assert.notEqual(onX.stream, null, 'a handler still attached stays open');
    log();
    for (const h of [...Logger.root.handlers, onX]) await (h as FileHandler).close();
    const files = Object.fromEntries(FILES.map((f) => [f, existsSync(join(ours, f)) ? readFileSync(join(ours, f), 'utf8') : null]));
    assert.deepEqual(files, py.files);
    assert.equal(py.files['x.log'], 'x one\nx.y two\nx.y two\n', 'the records x.y propagates to x reach x.log in both');
    // CPython closed both old handlers (its FileHandler reopened x.log for the next record)
    assert.deepEqual(py.closed, { onRoot: true, onX: true });
  } finally {
    rmSync(ours, { recursive: true, force: true });
    rmSync(theirs, { recursive: true, force: true });
  }
});
