/**
 * Python's INI fileConfig format: the same file, with the same calls logged,
 * must leave the same text in each handler's file as python3's fileConfig.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, writeFile, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isolateLogging } from '../helpers/capture.js';
import { runPython } from '../helpers/python.js';
import { fileConfig, iniToDictConfig, parsePythonLiteral, configureFromFile } from '../../src/config/index.js';
import { getLogger, root, ConfigError, type Handler } from '../../src/index.js';

isolateLogging();

// The handlers barrel is imported statically: if it breaks, this file fails (it never skips).
import '../../src/handlers/index.js';

const INI = String.raw`
[DEFAULT]
suffix = log

[loggers]
keys = root, parser, quiet

[handlers]
keys = all, brace, errors

[formatters]
keys = simple, braces

[logger_root]
level = WARNING
handlers = all, errors

[logger_parser]
level = DEBUG
handlers = brace
qualname = compiler.parser
propagate = 0

[logger_quiet]
level = CRITICAL
handlers =
qualname = quiet

[handler_all]
class = FileHandler
level = NOTSET
formatter = simple
args = ('%(logdir)s/all.%(suffix)s', 'w')

[handler_brace]
class = logging.FileHandler
formatter = braces
args = ('%(logdir)s/brace.%(suffix)s',)
kwargs = {'mode': 'w', 'encoding': 'utf-8'}

[handler_errors]
class = FileHandler
level = ERROR
formatter = simple
args = ('%(logdir)s/errors.%(suffix)s', 'w')

[formatter_simple]
format = %(levelname)s:%(name)s:%(message)s

[formatter_braces]
format = {levelname:<8}|{name}|{message}
style = {
`;

const CALLS: [string, string, string, ...unknown[]][] = [
  ['', 'INFO', 'root info'],
  ['', 'ERROR', 'root error %d', 7],
  ['compiler.parser', 'DEBUG', 'parser debug'],
  ['compiler.parser', 'WARNING', 'parser warning %s', 'w'],
  ['compiler.parser.sub', 'INFO', 'sub info'],
  ['quiet', 'ERROR', 'quiet error'],
  ['pre.existing', 'ERROR', 'disabled?'],
  ['other', 'WARNING', 'other warning'],
];

const PY = String.raw`
import sys, json, logging, logging.config
d = json.load(sys.stdin)
logging.getLogger('pre.existing')
logging.config.fileConfig(d['file'], defaults={'logdir': d['dir']})
for name, level, msg, *args in d['calls']:
    logging.getLogger(name or None).log(logging.getLevelName(level), msg, *args)
logging.shutdown()
out = {}
import os
for f in sorted(os.listdir(d['dir'])):
    if f.endswith('.log'):
        out[f] = open(os.path.join(d['dir'], f), encoding='utf-8').read()
print(json.dumps(out))
`;

test('fileConfig() – an INI file gives the same output as CPython fileConfig', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'logflume-ini-'));
  try {
    const pyDir = path.join(dir, 'py');
    const tsDir = path.join(dir, 'ts');
    await mkdir(pyDir);
    await mkdir(tsDir);
    const file = path.join(dir, 'logging.ini');
    await writeFile(file, INI);
    const expected = runPython<Record<string, string>>(PY, { file, dir: pyDir, calls: CALLS });
    getLogger('pre.existing');
    fileConfig(file, { logdir: tsDir });
    for (const [name, level, msg, ...args] of CALLS) getLogger(name || null).log(level, msg, ...args);
    const ours: Record<string, string> = {};
    for (const f of (await readdir(tsDir)).sort()) ours[f] = await readFile(path.join(tsDir, f), 'utf8');
    for (const h of [...root.handlers, ...getLogger('compiler.parser').handlers]) await (h as Handler).close();
    assert.deepEqual(Object.keys(expected), ['all.log', 'brace.log', 'errors.log']);
    assert.ok(Object.values(expected).every((t) => t.length > 0));
    assert.deepEqual(ours, expected);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('iniToDictConfig() – translates sections, args by Python signature, target and propagate', () => {
  const cfg = iniToDictConfig(
    [
      '[loggers]', 'keys=root,app', '[handlers]', 'keys=mem,out', '[formatters]', 'keys=',
      '[logger_root]', 'handlers=out', '[logger_app]', 'handlers=mem', 'qualname=my.app', 'propagate=0', 'level=INFO',
      '[handler_mem]', 'class=handlers.MemoryHandler', 'args=(10, ERROR)', 'target=out',
      '[handler_out]', 'class=StreamHandler', 'args=(sys.stdout,)', 'level=DEBUG',
    ].join('\n'),
  );
  assert.deepEqual(cfg, {
    version: 1,
    disable_existing_loggers: true,
    formatters: {},
    handlers: {
      mem: { class: 'logging.handlers.MemoryHandler', capacity: 10, flushLevel: 'ext://logging.ERROR', target: 'out' },
      out: { class: 'logging.StreamHandler', stream: 'ext://sys.stdout', level: 'DEBUG' },
    },
    loggers: { 'my.app': { handlers: ['mem'], level: 'INFO', propagate: false } },
    root: { handlers: ['out'] },
  });
});

test('parsePythonLiteral() – Python literals and dotted names; anything else is refused', () => {
  assert.deepEqual(parsePythonLiteral(`('a\\tb', r'c\\d', 1, -2.5, True, None, [1, (2,)], {'k': "v"}, handlers.SysLogHandler.LOG_USER)`, 'x'), [
    'a\tb',
    'c\\d',
    1,
    -2.5,
    true,
    null,
    [1, [2]],
    { k: 'v' },
    'ext://logging.handlers.SysLogHandler.LOG_USER',
  ]);
  assert.throws(() => parsePythonLiteral('(open("x"),)', 'handler_x args'), (e: Error) => e instanceof ConfigError && /handler_x args: expected ',' or '\)'/.test(e.message));
  assert.throws(() => parsePythonLiteral('1 + 2', 'a'), /trailing text/);
});

test('configureFromFile() – .ini files load through the same path; errors name the file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'logflume-ini-'));
  try {
    const file = path.join(dir, 'bad.ini');
    await writeFile(file, '[loggers]\nkeys=root\n[handlers]\nkeys=\n[formatters]\nkeys=\n');
    await assert.rejects(configureFromFile(file), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: missing section \\[logger_root\\]`));
    await writeFile(file, '[loggers]\nkeys=root\n[handlers]\nkeys=h\n[formatters]\nkeys=\n[logger_root]\nhandlers=h\n[handler_h]\nclass=NoSuchHandler\n');
    await assert.rejects(configureFromFile(file), /Unable to configure handler 'h': handlers\.h\.class: Cannot resolve 'logging\.NoSuchHandler'/);
    await writeFile(file, '');
    assert.throws(() => fileConfig(file), /is an empty file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
