// Issue 18 item 15 (dictConfig and TimedRotatingFileHandler): an invalid config's error text
// contains CPython 3.11's text — the outer "Unable to configure handler 'h'" and the cause's
// own sentence — with logflume's key path (and reason) added.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dictConfig, type DictConfig } from '../../src/config/index.js';
import { TimedRotatingFileHandler } from '../../src/handlers/index.js';
import { runPython } from '../helpers/python.js';
import { isolateLogging } from '../helpers/capture.js';

isolateLogging();

test("dictConfig() / TimedRotatingFileHandler – error texts contain CPython's", () => {
  const dir = mkdtempSync(join(tmpdir(), 'logflume-msg-'));
  try {
    const file = join(dir, 'x.log');
    const trfh = (when: string) => ({ version: 1, handlers: { h: { class: 'logging.handlers.TimedRotatingFileHandler', filename: file, when, delay: true } } });
    const configs: Record<string, unknown>[] = [
      { version: 2 },
      {},
      { version: 1, handlers: { h: { class: 'logging.NoSuchHandler' } } },
      { version: 1, handlers: { h: { class: 'logging.StreamHandler', formatter: 'nope' } } },
      { version: 1, handlers: { h: { class: 'logging.StreamHandler', level: 'LOUD' } } },
      { version: 1, root: { handlers: ['missing'] } },
      { version: 1, root: { level: 'LOUD' } },
      { version: 1, loggers: { x: { level: 'WRONG' } } },
      { version: 1, loggers: { x: { handlers: ['missing'] } } },
      { version: 1, handlers: { h: { class: 'logging.StreamHandler', fsm: 1 } } },
      { version: 1, formatters: { f: { format: '%(message)s', style: '?' } } },
      { version: 1, formatters: { f: { format: 'no fields', style: '%' } } },
      { version: 1, handlers: { h: { class: 'logging.StreamHandler', filters: ['missing'] } } },
      { version: 1, filters: { f: { '()': 'nosuch.module.Thing' } } },
      trfh('X'),
      trfh('W9'),
      trfh('W'),
      { version: 1, handlers: { h: { class: 'logging.handlers.MemoryHandler', capacity: 1, target: 'nope' } } },
      { version: 1, incremental: true, handlers: { nope: { level: 'INFO' } } },
      { version: 1, handlers: { h: { class: 'logging.StreamHandler', stream: 'ext://sys.stdbout' } } },
      { version: 1, handlers: { h: 'cfg://nowhere' } },
    ];
    const py = runPython<[string, string | null, string | null][]>(
      String.raw`
import json, sys, logging.config as C
out = []
for c in json.load(sys.stdin):
    try:
        C.dictConfig(c)
        out.append(['no error', None, None])
    except Exception as e:
        cause = e.__cause__
        out.append([str(e), type(cause).__name__ if cause else None, str(cause) if cause else None])
print(json.dumps(out))
`,
      configs,
    );
    configs.forEach((c, i) => {
      const [text, causeType, causeText] = py[i]!;
      let ours: string;
      try {
        dictConfig(c as DictConfig);
        ours = 'no error';
      } catch (e) {
        ours = (e as Error).message;
      }
      assert.ok(ours.includes(text), `${JSON.stringify(c)}: ${JSON.stringify(ours)} lacks Python's ${JSON.stringify(text)}`);
      if (causeText === null) return;
      // Python's own sentence of the cause; its import-system reason ("No module named …"),
      // TypeError's "X.__init__() got an" and a bare KeyError repr are Python-only.
      let want = causeText.replace(/: No module named .*$/, '').replace(/^\w+\.__init__\(\) got an /, '');
      if (causeType === 'KeyError') want = 'Unable to convert';
      assert.ok(ours.includes(want), `${JSON.stringify(c)}: ${JSON.stringify(ours)} lacks Python's cause ${JSON.stringify(want)}`);
    });
    // the handler's own constructor says the same
    for (const [when, text] of [
      ['X', 'Invalid rollover interval specified: X'],
      ['W7', 'Invalid day specified for weekly rollover: W7'],
      ['W', 'You must specify a day for weekly rollover from 0 to 6 (0 is Monday): W'],
    ]) {
      assert.throws(() => new TimedRotatingFileHandler(file, { when, delay: true }), (e: Error) => e.message.includes(text!));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
