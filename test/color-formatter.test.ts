import { test, describe } from 'node:test';
import { WriteStream } from 'node:tty';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ColorFormatter, Formatter, LogRecord, makeLogRecord, getLogger, StreamHandler, kw, gmtime, addLevelName } from '../src/index.js';
import { MemoryStream, isolateLogging } from './helpers/capture.js';
import { runPython } from './helpers/python.js';

isolateLogging();

const ANSI = /\x1b\[[0-9;]*m/g;
const strip = (s: string) => s.replace(ANSI, '');
const on = (o: object = {}) => new ColorFormatter({ colors: true, ...o });

function rec(level = 20, msg = 'hello %s', args: unknown[] = ['world']): LogRecord {
  const r = new LogRecord('app.web', level, '/srv/app.js', 3, msg, args, null);
  r.created = 1700000000.5;
  r.msecs = 500;
  return r;
}

describe('ColorFormatter', () => {
  test('ColorFormatter.shouldColor() – Node decides for a terminal (hasColors), FORCE_COLOR alone for anything else', () => {
    const s = ColorFormatter.shouldColor;
    const seen: object[] = [];
    const term = { isTTY: true, hasColors: (env?: object) => (seen.push(env!), true) };
    assert.equal(s(term, { TERM: 'dumb' }), true, "the stream's own hasColors() answers");
    assert.deepEqual(seen, [{ TERM: 'dumb' }], 'and gets the env');
    assert.equal(s({ isTTY: true, hasColors: () => false }, { FORCE_COLOR: '1' }), false);
    // A real tty.WriteStream's methods on a stand-in (no terminal needed): Node's rules.
    const real = { isTTY: true, hasColors: WriteStream.prototype.hasColors, getColorDepth: WriteStream.prototype.getColorDepth };
    assert.equal(s(real, { TERM: 'xterm-256color' }), true);
    assert.equal(s(real, { TERM: 'dumb' }), false);
    assert.equal(s(real, { TERM: 'xterm', NO_COLOR: '1' }), false);
    assert.equal(s(real, { TERM: 'xterm', NODE_DISABLE_COLORS: '1' }), false);
    assert.equal(s(real, { TERM: 'xterm', FORCE_COLOR: '0' }), false);
    assert.equal(s({ isTTY: true }, { TERM: 'xterm' }), true, 'an isTTY object without hasColors: Node getColorDepth rules');
    assert.equal(s({ isTTY: true }, { TERM: 'dumb' }), false);
    assert.equal(s({ isTTY: false }, { TERM: 'xterm' }), false);
    assert.equal(s(null, { TERM: 'xterm' }), false);
    assert.equal(s({ isTTY: false }, { FORCE_COLOR: '1' }), true);
    assert.equal(s({ isTTY: false }, { FORCE_COLOR: '' }), true);
    assert.equal(s({ isTTY: false }, { FORCE_COLOR: '3' }), true);
    assert.equal(s({ isTTY: false }, { FORCE_COLOR: '0' }), false);
    assert.equal(s({ isTTY: false }, { FORCE_COLOR: 'false' }), false);
    assert.equal(s(null, { NO_COLOR: '1' }, true), true, 'an explicit option wins over everything');
    assert.equal(s(term, {}, false), false);
  });

  test('ColorFormatter.format() – without colours the output is exactly Formatter’s (and CPython’s)', () => {
    const fmt = '%(asctime)s %(levelname)-8s|%(name)s|%(message)s %%(levelname)s';
    const cf = new ColorFormatter({ fmt, stream: { isTTY: false }, env: {} });
    const pf = new Formatter(fmt);
    cf.converter = pf.converter = gmtime;
    assert.equal(cf.useColors, false);
    const r = rec(30);
    const got = cf.format(r);
    assert.equal(got, pf.format(r));
    const py = runPython<string>(
      `import logging, json, sys, time
f = logging.Formatter(sys.stdin.read().strip('"')); f.converter = time.gmtime
r = logging.makeLogRecord(dict(name='app.web', levelno=30, levelname='WARNING', msg='hello %s', args=('world',), created=1700000000.5, msecs=500.0))
print(json.dumps(f.format(r)))`,
      fmt,
    );
    assert.equal(got, py);
  });

  test('ColorFormatter.format() – level in its colour, padded by its text width; time and logger name dimmed', () => {
    const f = on({ fmt: '%(asctime)s %(levelname)-8s %(name)s: %(message)s', datefmt: '%H:%M:%S' });
    f.converter = gmtime;
    const out = f.format(rec(30));
    assert.equal(out, '\x1b[2m22:13:20\x1b[0m \x1b[33mWARNING \x1b[0m \x1b[2mapp.web\x1b[0m: hello world');
    const plain = new Formatter('%(asctime)s %(levelname)-8s %(name)s: %(message)s', '%H:%M:%S');
    plain.converter = gmtime;
    assert.equal(strip(out), plain.format(rec(30)));
  });

  test('ColorFormatter.colorFor() – defaults per level, custom levels take the nearest lower colour, overrides', () => {
    const f = on();
    assert.deepEqual([10, 20, 30, 40, 50].map((l) => f.colorFor(l)), ['34', '32', '33', '31', '1;97;41']);
    addLevelName(25, 'NOTICE');
    assert.equal(f.colorFor(25), '32');
    assert.equal(f.colorFor(5), '0');
    const g = on({ levelColors: { 20: '36', 25: '35' } });
    assert.equal(g.colorFor(20), '36');
    assert.ok(g.format(rec(25)).includes('\x1b[35mNOTICE'));
  });

  test('ColorFormatter() – { and $ styles are coloured too; escapes stay literal', () => {
    const b = on({ fmt: '{levelname:>7} {{levelname}} {message}', style: '{' });
    assert.equal(b.format(rec(40)), '\x1b[31m  ERROR\x1b[0m {levelname} hello world');
    const d = on({ fmt: '$levelname $$levelname ${name}: $message', style: '$' });
    assert.equal(d.format(rec(20)), '\x1b[32mINFO\x1b[0m $levelname \x1b[2mapp.web\x1b[0m: hello world');
  });

  test('ColorFormatter() – default format for development: time of day with ms, level, logger, message', () => {
    const f = new ColorFormatter({ colors: false });
    f.converter = gmtime;
    assert.equal(f.format(rec(20)), '22:13:20.500 INFO     app.web hello world');
  });

  test('ColorFormatter.format() – errors: message line red, library frames dimmed, exc_text stays plain for other handlers', () => {
    const color = new MemoryStream();
    const plain = new MemoryStream();
    const hc = new StreamHandler(color);
    hc.setFormatter(on({ fmt: '%(levelname)s %(message)s' }));
    const hp = new StreamHandler(plain);
    hp.setFormatter(new Formatter('%(levelname)s %(message)s'));
    const log = getLogger('color.exc');
    log.handlers = [hc, hp];
    log.propagate = false;
    const err = new Error('db down', { cause: new TypeError('socket closed') });
    log.error('query failed', kw({ exc_info: err }));
    const lines = color.text.split('\n');
    assert.equal(lines[0], '\x1b[31mERROR\x1b[0m query failed');
    assert.ok(lines.includes('\x1b[31mTypeError: socket closed\x1b[0m'));
    assert.ok(lines.includes('\x1b[31mError: db down\x1b[0m'));
    assert.ok(lines.some((l) => l.startsWith('\x1b[2m') && /node:/.test(l)), 'node: frames dimmed');
    assert.ok(lines.some((l) => /^\s+at .*color-formatter\.test\.ts/.test(l)), 'own frames plain');
    assert.equal(plain.text.match(ANSI), null, 'the plain handler sees no escape codes');
    assert.equal(strip(color.text), plain.text);
  });

  test('ColorFormatter.format() – exc_text from elsewhere is coloured but left unchanged on the record', () => {
    const r = makeLogRecord({ name: 'n', levelno: 40, levelname: 'ERROR', msg: 'm', exc_text: 'Error: remote\n    at x (node:fs:1:1)' });
    const out = on({ fmt: '%(message)s' }).format(r);
    assert.equal(out, 'm\n\x1b[31mError: remote\x1b[0m\n\x1b[2m    at x (node:fs:1:1)\x1b[0m');
    assert.equal(r.exc_text, 'Error: remote\n    at x (node:fs:1:1)');
  });

  test('ColorFormatter() – defaults fill fields the record lacks, coloured or not', () => {
    for (const colors of [true, false]) {
      const f = new ColorFormatter({ colors, fmt: '[%(requestId)s] %(message)s', defaults: { requestId: '-' } });
      assert.equal(f.format(rec()), '[-] hello world');
      const r = rec();
      r.requestId = 'r9';
      assert.equal(f.format(r), '[r9] hello world');
    }
  });

  test('ColorFormatter – on a real TTY colours by default; piped or with NO_COLOR it does not', { skip: !existsSync('/usr/bin/script') && 'needs util-linux script(1) for a pty' }, () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const child = `import { ColorFormatter, StreamHandler, getLogger } from './src/index.ts';
const h = new StreamHandler(process.stdout); h.setFormatter(new ColorFormatter({ stream: process.stdout, fmt: '%(levelname)s %(message)s' }));
getLogger('tty').addHandler(h); getLogger('tty').warning('hi');`;
    const cmd = `${JSON.stringify(process.execPath)} --import tsx --input-type=module -e ${shellQuote(child)}`;
    const env = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, NODE_DISABLE_COLORS: undefined, TERM: 'xterm' } as NodeJS.ProcessEnv;
    // a person's terminal: no colour overrides, and no CI variables (Node's getColorDepth() reports 2 colours under CI=true)
    for (const k of ['FORCE_COLOR', 'NO_COLOR', 'NODE_DISABLE_COLORS', 'CI', 'CI_NAME', 'GITHUB_ACTIONS', 'GITLAB_CI', 'TRAVIS', 'CIRCLECI', 'BUILDKITE', 'DRONE', 'APPVEYOR', 'TEAMCITY_VERSION']) delete env[k];
    const viaPty = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: root, env, encoding: 'utf8' });
    assert.equal(viaPty.status, 0, viaPty.stderr);
    assert.ok(viaPty.stdout.includes('\x1b[33mWARNING\x1b[0m hi'), JSON.stringify(viaPty.stdout));
    const noColor = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: root, env: { ...env, NO_COLOR: '1' }, encoding: 'utf8' });
    assert.equal(noColor.stdout.replace(/\r/g, '').trim(), 'WARNING hi');
    const piped = spawnSync('sh', ['-c', cmd], { cwd: root, env, encoding: 'utf8' });
    assert.equal(piped.stdout, 'WARNING hi\n');
  });
});

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
