import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { AssertionError } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  captureLogs,
  assertLogs,
  assertNoLogs,
  resetLogging,
  snapshotLogging,
  markLoggingBaseline,
  CapturingHandler,
} from '../src/testing/index.js';
import {
  getLogger,
  addLevelName,
  getLevelName,
  NullHandler,
  settings,
  root,
} from '../src/index.js';
import { runPython } from './helpers/python.js';

afterEach(() => resetLogging());

const PY_ASSERT_LOGS = `import logging, unittest, json
out = {}
class T(unittest.TestCase):
    def runTest(self):
        with self.assertLogs('foo', 'INFO') as cm:
            logging.getLogger('foo.bar').info('hi %d', 3)
            logging.getLogger('foo').debug('hidden')
            logging.getLogger('foo').error('bad')
        out['output'] = cm.output
        for name, level, fn in [(None, 'INFO', 'noop'), ('foo', 'ERROR', 'warn')]:
            try:
                with self.assertLogs(name, level):
                    if fn == 'warn': logging.getLogger('foo').warning('x')
            except AssertionError as e: out.setdefault('fails', []).append(str(e))
        try:
            with self.assertNoLogs('foo'): logging.getLogger('foo').warning("it's")
        except AssertionError as e: out['nologs'] = str(e)
T().runTest()
print(json.dumps(out))`;

describe('captureLogs / assertLogs / assertNoLogs', () => {
  test('assertLogs() – output, failures and assertNoLogs messages match CPython unittest', async () => {
    const py = runPython<{ output: string[]; fails: string[]; nologs: string }>(PY_ASSERT_LOGS, null);
    const cap = await assertLogs('foo', 'INFO', () => {
      getLogger('foo.bar').info('hi %d', 3);
      getLogger('foo').debug('hidden');
      getLogger('foo').error('bad');
    });
    assert.deepEqual(cap.output, py.output);
    const fails: string[] = [];
    for (const [name, level, warn] of [[null, 'INFO', false], ['foo', 'ERROR', true]] as const) {
      await assert.rejects(
        assertLogs(name, level, () => {
          if (warn) getLogger('foo').warning('x');
        }),
        (e: unknown) => (e instanceof AssertionError ? (fails.push(e.message), true) : false),
      );
    }
    assert.deepEqual(fails, py.fails);
    await assert.rejects(assertNoLogs('foo', 'INFO', () => getLogger('foo').warning("it's")), (e: unknown) => e instanceof AssertionError && e.message === py.nologs);
  });

  test('captureLogs() – sets handlers, level and propagate aside, and stop() restores them', () => {
    const log = getLogger('cap.restore');
    const h = new NullHandler();
    log.addHandler(h);
    log.setLevel('ERROR');
    const cap = captureLogs(log, 'DEBUG');
    assert.equal(log.propagate, false);
    log.debug('d');
    getLogger('cap.restore.child').info('from child %s', 'x');
    cap.stop();
    cap.stop();
    log.debug('not captured');
    assert.deepEqual(cap.output, ['DEBUG:cap.restore:d', 'INFO:cap.restore.child:from child x']);
    assert.deepEqual(cap.messages, ['d', 'from child x']);
    assert.equal(cap.records[1]!.name, 'cap.restore.child');
    assert.deepEqual(log.handlers, [h]);
    assert.equal(log.level, 40);
    assert.equal(log.propagate, true);
    assert.equal(log.isEnabledFor(10), false, 'level cache invalidated on restore');
  });

  test('captureLogs() – default is the root logger at INFO; Symbol.dispose stops it (for `using`)', () => {
    const before = root.handlers.slice();
    const cap = captureLogs();
    getLogger('any.where').info('i');
    getLogger('any.where').debug('d');
    cap[Symbol.dispose]();
    assert.deepEqual(cap.output, ['INFO:any.where:i']);
    assert.deepEqual(root.handlers, before);
  });

  test('assertLogs() – awaits an async function and captures across awaits; restores even when it throws', async () => {
    const log = getLogger('cap.async');
    const cap = await assertLogs(log, 'WARNING', async () => {
      await sleep(2);
      log.warning('late');
    });
    assert.deepEqual(cap.output, ['WARNING:cap.async:late']);
    await assert.rejects(
      assertLogs(log, 'INFO', async () => {
        log.info('then boom');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(log.handlers, []);
    assert.equal(log.propagate, true);
    await assertNoLogs(log, 'ERROR', () => log.warning('below ERROR is fine'));
  });

  test('CapturingHandler – bounded: past capacity the oldest record is dropped and counted', () => {
    const h = new CapturingHandler(0, 3);
    const log = getLogger('cap.bound');
    log.handlers = [h];
    log.propagate = false;
    for (let i = 0; i < 5; i++) log.warning('m%d', i);
    assert.deepEqual(h.output, ['WARNING:cap.bound:m2', 'WARNING:cap.bound:m3', 'WARNING:cap.bound:m4']);
    assert.equal(h.dropped, 2);
    h.clear();
    assert.equal(h.records.length + h.dropped, 0);
  });
});

describe('resetLogging / snapshotLogging', () => {
  test('resetLogging() – puts back levels, handlers, level names and settings; new loggers kept but reset', () => {
    const existing = getLogger('reset.existing');
    const child = getLogger('reset.a.b');
    markLoggingBaseline();
    existing.addHandler(new NullHandler());
    existing.setLevel('DEBUG');
    const created = getLogger('reset.created.later');
    created.setLevel('ERROR');
    created.addHandler(new NullHandler());
    const between = getLogger('reset.a');
    assert.equal(child.parent, between);
    root.setLevel('DEBUG');
    addLevelName(33, 'ODD');
    settings.raiseExceptions = false;
    resetLogging();
    assert.deepEqual(existing.handlers, []);
    assert.equal(existing.level, 0);
    assert.equal(root.level, 30);
    assert.equal(getLevelName(33), 'Level 33');
    assert.equal(settings.raiseExceptions, true);
    assert.equal(getLogger('reset.created.later'), created, 'a logger held by app code stays the one getLogger returns');
    assert.deepEqual([created.level, created.handlers.length, created.propagate], [0, 0, true]);
    assert.equal(getLogger('reset.a'), between);
    assert.equal(child.parent, between, 'the tree stays linked');
    assert.equal(between.parent, root);
  });

  test('snapshotLogging() – returns a restore function usable in beforeEach/afterEach of any framework', () => {
    const restore = snapshotLogging();
    const log = getLogger('snap');
    log.propagate = false;
    log.disabled = true;
    restore();
    assert.equal(getLogger('snap').propagate, true);
    assert.equal(getLogger('snap').disabled, false);
  });

  test('resetLogging() – a handler created after the baseline is still flushed at process exit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lf-reset-'));
    try {
      const file = join(dir, 'app.log');
      const script = `import { getLogger, FileHandler } from './src/index.ts';
import { resetLogging } from './src/testing/index.ts';
const h = new FileHandler(${JSON.stringify(file)}, { buffered: true });
getLogger('exit').addHandler(h);
getLogger('exit').warning('logged before reset');
resetLogging();
process.exit(0);`;
      const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
      assert.equal(res.status, 0, res.stderr);
      assert.equal(await readFile(file, 'utf8'), 'logged before reset\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
