// The trust model of configuration (issue 16 item 6): a config is code by
// default, as in Python; `restricted: true` admits only registered classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dictConfig, dictConfigAsync } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { isolateLogging } from '../helpers/capture.js';

isolateLogging();

const G = globalThis as Record<string, unknown>;
const DATA_MODULE = 'data:text/javascript,globalThis.__trust_ran = 1; export function F() { return { filter: () => true }; }';

function filterConfig(factory: unknown, dot?: Record<string, unknown>, kwargs: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: 1, filters: { f: { '()': factory, ...kwargs, ...(dot ? { '.': dot } : {}) } }, root: { filters: ['f'] }, incremental: false };
}

test("full trust (default): a '()' factory naming a data: module runs its code, as Python runs a config's factories", async () => {
  delete G.__trust_ran;
  await dictConfigAsync(filterConfig(`${DATA_MODULE}:F`) as never);
  assert.equal(G.__trust_ran, 1);
  delete G.__trust_ran;
});

test("restricted: a '()' factory naming a data: module is refused before anything is imported", async () => {
  delete G.__trust_ran;
  await assert.rejects(dictConfigAsync(filterConfig(`${DATA_MODULE}:F`) as never, { restricted: true }), (e: unknown) => e instanceof ConfigError && /restricted mode imports no modules/.test(e.message));
  assert.equal(G.__trust_ran, undefined);
});

test("restricted: process.exit (as '()' or ext://) and other functions are refused; nothing is called", async () => {
  const exit = process.exit;
  let called = 0;
  process.exit = (() => {
    called++;
  }) as never;
  try {
    for (const ref of ['process.exit', 'ext://process.exit', 'globalThis.process.exit', 'console.log', 'logging.getLogger', 'logging.shutdown']) {
      assert.throws(() => dictConfig(filterConfig(ref) as never, { restricted: true }), (e: unknown) => e instanceof ConfigError && /restricted mode/.test(e.message), ref);
    }
    assert.throws(() => dictConfig({ version: 1, handlers: { h: { class: 'logging.StreamHandler', stream: 'ext://process.exit' } } } as never, { restricted: true }), /restricted mode reaches only/);
    assert.equal(called, 0);
  } finally {
    process.exit = exit;
  }
});

test("'()' + '.' cannot change Object.prototype (any mode); restricted mode sets '.' only on registered classes' objects", () => {
  const before = Object.getOwnPropertyNames(Object.prototype).length;
  // Object.getPrototypeOf({ x: 1 }) is Object.prototype: the factory hands back a shared object for '.' to write to.
  assert.throws(() => dictConfig(filterConfig('globalThis.Object.getPrototypeOf', { polluted: true }, { x: 1 }) as never), /refusing to set attributes on a prototype object/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(() => dictConfig(filterConfig('globalThis.Object.getPrototypeOf', { polluted: true }, { x: 1 }) as never, { restricted: true }), /restricted mode/);
  assert.throws(() => dictConfig(filterConfig('logging.Filter', { __proto__: null, constructor: 1 } as never) as never, { restricted: true }), /restricted mode does not set/);
  assert.equal(Object.getOwnPropertyNames(Object.prototype).length, before);
});

test('restricted: an ordinary config (registered classes, ext://sys.stderr, cfg://, formatters, filters) still works', () => {
  dictConfig(
    {
      version: 1,
      formatters: { f: { format: '%(levelname)s %(message)s' } },
      filters: { only: { name: 'app' } },
      handlers: { h: { class: 'logging.StreamHandler', stream: 'ext://sys.stderr', formatter: 'f', filters: ['only'] }, n: { '()': 'logging.NullHandler', '.': { name: 'null' } } },
      root: { level: 'INFO', handlers: ['h', 'n'] },
    } as never,
    { restricted: true },
  );
});
