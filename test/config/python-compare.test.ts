/**
 * The shape of CPython's ConfigDictTest (Lib/test/test_logging.py): each case
 * applies configs, logs a fixed sequence on named loggers, and the text each
 * in-memory stream received must equal what python3's dictConfig produced.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { isolateLogging } from '../helpers/capture.js';
import { runInPython, runInLogflume, type Step, type Outcome } from './oracle.js';

isolateLogging();

const form1 = { form1: { format: '%(levelname)s ++ %(message)s' } };
const hand1 = (extra: Record<string, unknown> = {}) => ({
  hand1: { class: 'logging.StreamHandler', formatter: 'form1', level: 'NOTSET', stream: 'cfg://streams.out', ...extra },
});
const SEQ: Step = {
  log: [
    ['', 'DEBUG', 'root debug'],
    ['', 'INFO', 'root info'],
    ['', 'WARNING', 'root warning %d', 1],
    ['', 'ERROR', 'root error %s', 'e'],
    ['compiler', 'INFO', 'compiler info'],
    ['compiler', 'WARNING', 'compiler warning'],
    ['compiler.parser', 'DEBUG', 'parser debug'],
    ['compiler.parser', 'INFO', 'parser info %s=%r', 'k', 'v'],
    ['compiler.parser', 'ERROR', 'parser error'],
    ['compiler.parser.codegen', 'DEBUG', 'codegen debug'],
    ['compiler.parser.codegen', 'WARNING', 'codegen warning'],
    ['compiler.lexer', 'DEBUG', 'lexer debug'],
    ['compiler.lexer', 'WARNING', 'lexer warning'],
    ['other', 'WARNING', 'other warning'],
    ['other.child', 'CRITICAL', 'other child critical %5.2f', 3.14159],
  ],
};
const config0 = { version: 1, formatters: form1, handlers: hand1(), root: { level: 'WARNING', handlers: ['hand1'] } };
const config1 = { version: 1, formatters: form1, handlers: hand1(), loggers: { 'compiler.parser': { level: 'DEBUG', handlers: ['hand1'] } }, root: { level: 'WARNING' } };
const config7 = { version: 1, formatters: form1, handlers: hand1(), loggers: { 'compiler.lexer': { level: 'DEBUG', handlers: ['hand1'] } }, root: { level: 'WARNING' } };
const config8 = { ...config1, disable_existing_loggers: false, loggers: { compiler: { level: 'DEBUG', handlers: ['hand1'] }, 'compiler.lexer': {} } };
const config9 = { version: 1, formatters: form1, handlers: hand1({ level: 'WARNING' }), loggers: { 'compiler.parser': { level: 'WARNING', handlers: ['hand1'] } }, root: { level: 'NOTSET' } };
const config9a = { version: 1, incremental: true, handlers: { hand1: { level: 'WARNING' } }, loggers: { 'compiler.parser': { level: 'INFO' } } };
const config9b = { version: 1, incremental: true, handlers: { hand1: { level: 'INFO' } }, loggers: { 'compiler.parser': { level: 'INFO', propagate: false } } };

const CASES: Record<string, Step[]> = {
  'config0 – root handler at WARNING': [{ config: config0 }, SEQ],
  'config1 – one named logger at DEBUG': [{ config: config1 }, SEQ],
  'config1 – existing loggers are disabled by default': [{ pre: ['compiler.parser.codegen', 'other', 'other.child', 'compiler'] }, { config: config1 }, SEQ],
  'config7 after config1 – reconfiguring disables the old logger': [{ config: config1 }, SEQ, { config: config7 }, SEQ],
  'config8 – disable_existing_loggers false keeps old loggers and resets children': [{ pre: ['other'] }, { config: config1 }, SEQ, { config: config8 }, SEQ],
  'config9/9a/9b – incremental changes levels and propagate only': [{ config: config9 }, SEQ, { config: config9a }, SEQ, { config: config9b }, SEQ],
  'config10 – named filters on handler and logger': [
    {
      config: {
        version: 1,
        formatters: form1,
        filters: { filt1: { name: 'compiler.parser' } },
        handlers: hand1({ filters: ['filt1'] }),
        loggers: { 'compiler.parser': { level: 'WARNING', filters: ['filt1'] } },
        root: { level: 'DEBUG', handlers: ['hand1'] },
      },
    },
    SEQ,
  ],
  'config11 – cfg:// sections and entries': [
    {
      config: {
        version: 1,
        true_formatters: form1,
        handler_configs: hand1(),
        formatters: 'cfg://true_formatters',
        handlers: { hand1: 'cfg://handler_configs[hand1]' },
        loggers: { 'compiler.parser': { level: 'DEBUG', handlers: ['hand1'] } },
        root: { level: 'WARNING' },
      },
    },
    SEQ,
  ],
  'config13 – unsupported version fails': [{ config: { ...config0, version: 2 } }, { config: { formatters: form1 } }],
  "config14 – '.' sets handler attributes": [{ config: { ...config0, handlers: hand1({ '.': { terminator: '!\n', foo: 'bar' } }) } }, SEQ],
  'styles – % { $ formatters side by side, with propagate false': [
    {
      config: {
        version: 1,
        formatters: {
          pct: { format: '%(name)s|%(levelno)d|%(levelname)-8s|%(message)s' },
          brace: { format: '{levelname:>8} {name} :: {message}', style: '{' },
          dollar: { format: '$levelname ${name}: $message', style: '$' },
        },
        handlers: {
          a: { class: 'logging.StreamHandler', formatter: 'pct', stream: 'cfg://streams.a' },
          b: { class: 'logging.StreamHandler', formatter: 'brace', stream: 'cfg://streams.b', level: 'ERROR' },
          c: { class: 'logging.StreamHandler', formatter: 'dollar', stream: 'cfg://streams.c', level: 25 },
        },
        loggers: { compiler: { level: 'INFO', handlers: ['b', 'c'], propagate: false }, other: { handlers: ['c'] } },
        root: { level: 'DEBUG', handlers: ['a', 'b'] },
      },
    },
    SEQ,
  ],
  "factories – '()' formatter (format→fmt), filter and handler": [
    {
      config: {
        version: 1,
        formatters: { f: { '()': 'logging.Formatter', format: '<%(name)s> %(message)s' } },
        filters: { only: { '()': 'logging.Filter', name: 'compiler' } },
        handlers: { h: { '()': 'logging.StreamHandler', stream: 'cfg://streams.out', formatter: 'f', filters: ['only'], level: 'INFO' } },
        root: { level: 'DEBUG', handlers: ['h'] },
      },
    },
    SEQ,
  ],
  'reconfigure – same handler name, new stream: old stream stops receiving': [
    { config: config0 },
    SEQ,
    { config: { ...config0, handlers: { hand1: { ...hand1().hand1, stream: 'cfg://streams.second' } } } },
    SEQ,
  ],
  'validate – format that does not match its style fails; validate false accepts it': [
    { config: { ...config0, formatters: { form1: { format: '%(asctime)s (%(name)s) %(levelname)s: %(message)s', style: '$' } } } },
    { config: { ...config0, formatters: { form1: { format: '%(levelname)s :: %(message)s', style: '$', validate: false } } } },
    SEQ,
  ],
  'errors – each invalid config fails': [
    { config: { ...config0, handlers: hand1({ stream: 'ext://sys.stdbout' }) } },
    { config: { ...config0, handlers: { hand1: { ...hand1().hand1, class: 'logging.NoSuchHandler' } } } },
    { config: { ...config0, handlers: hand1({ formatter: 'nope' }) } },
    { config: { ...config0, handlers: hand1({ level: 'LOUD' }) } },
    { config: { ...config0, root: { level: 'WARNING', handlers: ['hand2'] } } },
    { config: { ...config0, loggers: { x: { level: 'WRONG' } } } },
    { config: { ...config0, handlers: hand1({ fsm: 1 }) } },
    { config: { ...config0, formatters: { form1: { format: '%(message)s', style: '?' } } } },
    { config: { ...config0, handlers: hand1({ filters: ['missing'] }) } },
    { config: { ...config0, handlers: { hand1: 'cfg://nowhere' } } },
    { config: config0 },
    SEQ,
  ],
  'loggers.root – configures the root logger, as getLogger("root") is the root': [
    { config: { version: 1, formatters: form1, handlers: hand1(), loggers: { root: { level: 'INFO', handlers: ['hand1'] } } } },
    SEQ,
    { config: { version: 1, formatters: form1, handlers: hand1(), loggers: { root: { level: 'ERROR', handlers: ['hand1'] } }, root: { level: 'DEBUG', handlers: ['hand1'] } } },
    SEQ,
  ],
  'numeric levels and level names mixed': [
    {
      config: {
        version: 1,
        formatters: { f: { format: '%(levelno)s %(levelname)s %(message)s' } },
        handlers: { h: { class: 'logging.StreamHandler', stream: 'cfg://streams.out', formatter: 'f', level: 21 } },
        loggers: { 'compiler.parser': { level: 5 }, compiler: { level: 'ERROR', handlers: ['h'] } },
        root: { level: 'CRITICAL', handlers: ['h'] },
      },
    },
    SEQ,
  ],
};

let python: Outcome[];
before(() => {
  python = runInPython(Object.values(CASES));
});

Object.entries(CASES).forEach(([name, steps], i) => {
  test(`dictConfig() – same output as CPython: ${name}`, () => {
    const ours = runInLogflume(steps);
    assert.deepEqual(ours.steps, python[i]!.steps, 'which configs failed');
    for (const [stream, text] of Object.entries(python[i]!.streams)) {
      assert.equal(ours.streams[stream], text, `stream ${stream}`);
    }
    assert.ok(Object.values(python[i]!.streams).some((t) => t.length > 0) || steps.every((s) => !('log' in s)), 'the case produced output');
  });
});
