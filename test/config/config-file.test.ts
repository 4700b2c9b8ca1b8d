import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as dgram from 'node:dgram';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isolateLogging, StringIO } from '../helpers/capture.js';
import { loadConfigFile, configureFromFile, configureFromEnv, dictConfigAsync, CONFIG_ENV_VAR, type DictConfig } from '../../src/config/index.js';
import { getLogger, root, ConfigError, type Handler } from '../../src/index.js';

isolateLogging();

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
import * as handlersBarrel from '../../src/handlers/index.js';

// A broken handlers barrel fails this file at import, as it should.
const exported: Record<string, unknown> = handlersBarrel;
const hasJsonSchema = spawnSync('python3', ['-c', 'import jsonschema']).status === 0;

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'logflume-cfgfile-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('loadConfigFile() – the JSON and YAML examples hold the same config', async () => {
  const json = (await loadConfigFile(path.join(repo, 'examples/logging.json'))) as Record<string, unknown>;
  const yaml = await loadConfigFile(path.join(repo, 'examples/logging.yaml'));
  const { $schema, ...rest } = json;
  assert.equal($schema, '../schema/logging-config.schema.json');
  assert.deepEqual(rest, yaml);
  assert.equal(yaml.version, 1);
});

test('loadConfigFile() – errors name the file and the problem', async () => {
  await withDir(async (dir) => {
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{ "version": 1, ');
    await assert.rejects(loadConfigFile(bad), (e: Error) => e instanceof ConfigError && e.message.startsWith(`${bad}: invalid JSON`));
    const badYaml = path.join(dir, 'bad.yml');
    await writeFile(badYaml, 'version: 1\nhandlers: [a\n');
    await assert.rejects(loadConfigFile(badYaml), /bad\.yml: invalid YAML/);
    const list = path.join(dir, 'list.yaml');
    await writeFile(list, '- 1\n- 2\n');
    await assert.rejects(loadConfigFile(list), /expected a mapping at the top level/);
    await assert.rejects(loadConfigFile(path.join(dir, 'x.toml')), /unsupported config file type '\.toml'/);
    await assert.rejects(loadConfigFile(path.join(dir, 'missing.json')), /cannot read logging config .*missing\.json/);
  });
});

test('configureFromFile() – applies a YAML file; module names resolve against its directory', async () => {
  await withDir(async (dir) => {
    await writeFile(path.join(dir, 'fmt.mjs'), 'export class Upper { constructor(kw) { this.kw = kw; } format(r) { return this.kw.tag + r.getMessage().toUpperCase(); } }\n');
    const out = path.join(dir, 'out.log');
    const file = path.join(dir, 'logging.yaml');
    await writeFile(
      file,
      ['version: 1', 'formatters:', '  up:', "    '()': ./fmt.mjs:Upper", "    tag: '> '", 'handlers:', '  f:', '    class: logging.FileHandler', `    filename: ${JSON.stringify(out)}`, '    formatter: up', 'root:', '  level: INFO', '  handlers: [f]', ''].join('\n'),
    );
    await configureFromFile(file);
    getLogger('y').info('hello');
    getLogger('y').debug('not this');
    assert.equal(await readFile(out, 'utf8'), '> HELLO\n');
    await (root.handlers[0] as Handler).close();
  });
});

test('configureFromEnv() – LOGFLUME_CONFIG names the file; without it the fallback applies', async () => {
  await withDir(async (dir) => {
    const out = path.join(dir, 'env.log');
    const file = path.join(dir, 'logging.json');
    await writeFile(file, JSON.stringify({ version: 1, handlers: { f: { class: 'logging.FileHandler', filename: out } }, root: { level: 'WARNING', handlers: ['f'] } }));
    assert.equal(await configureFromEnv(undefined, { [CONFIG_ENV_VAR]: file }), true);
    getLogger('e').warning('from env');
    assert.equal(await readFile(out, 'utf8'), 'from env\n');
    await (root.handlers[0] as Handler).close();

    const s = new StringIO();
    const fallback = { version: 1, streams: { s }, handlers: { c: { class: 'logging.StreamHandler', stream: 'cfg://streams.s' } }, root: { level: 'INFO', handlers: ['c'] } } as DictConfig;
    assert.equal(await configureFromEnv(fallback, {}), false);
    getLogger('e2').info('fallback');
    assert.equal(s.value, 'fallback\n');

    await assert.rejects(configureFromEnv(undefined, { [CONFIG_ENV_VAR]: path.join(dir, 'nope.yaml') }), /^ConfigError: LOGFLUME_CONFIG=.*nope\.yaml: cannot read/);
  });
});

test('schema/logging-config.schema.json – validates the examples and rejects bad values', { skip: !hasJsonSchema && 'python3 jsonschema is not installed' }, async () => {
  const schema = JSON.parse(await readFile(path.join(repo, 'schema/logging-config.schema.json'), 'utf8'));
  const json = await loadConfigFile(path.join(repo, 'examples/logging.json'));
  const yaml = await loadConfigFile(path.join(repo, 'examples/logging.yaml'));
  const bad = [
    { version: 2 },
    { version: 1, handlers: { file: { class: 'logging.handlers.RotatingFileHandler', filename: 'x', maxBytes: 'ten' } } },
    { version: 1, handlers: { h: { level: 'INFO' } } },
    { version: 1, loggers: { a: { handler: ['h'] } } },
    { version: 1, formatters: { f: { fmt: '%(message)s' } } },
  ];
  const script = String.raw`
import sys, json, jsonschema
d = json.load(sys.stdin)
v = jsonschema.Draft202012Validator(d['schema'])
print(json.dumps([sorted(e.json_path for e in v.iter_errors(x)) for x in d['docs']]))
`;
  const res = spawnSync('python3', ['-c', script], { input: JSON.stringify({ schema, docs: [json, yaml, ...bad] }), encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  const errors = JSON.parse(res.stdout) as string[][];
  assert.deepEqual(errors[0], []);
  assert.deepEqual(errors[1], []);
  for (let i = 2; i < errors.length; i++) assert.ok(errors[i]!.length > 0, `schema rejects ${JSON.stringify(bad[i - 2])}`);
});

test('configureFromFile() – the README example (console, rotating file, syslog, off-thread queue) works', { timeout: 60_000 }, async () => {
  await withDir(async (dir) => {
    const udp = dgram.createSocket('udp4');
    const got: string[] = [];
    udp.on('message', (m) => got.push(m.toString('utf8')));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    try {
      const cfg = structuredClone(await loadConfigFile(path.join(repo, 'examples/logging.yaml'))) as Record<string, any>;  
      const logFile = path.join(dir, 'app.log');
      cfg.handlers.file.filename = logFile;
      cfg.handlers.console.level = 'CRITICAL'; // keep test output quiet
      const withSyslog = Boolean(exported.SysLogHandler);
      if (withSyslog) cfg.handlers.syslog.address = ['127.0.0.1', (udp.address() as { port: number }).port];
      else {
        delete cfg.handlers.syslog;
        cfg.handlers.offthread.handlers = ['file'];
      }
      await dictConfigAsync(cfg as DictConfig);
      getLogger('myapp.api').info('request served');
      getLogger('myapp.db').info('hidden: below WARNING');
      getLogger('myapp.db').error('connection lost');
      const q = root.handlers.find((h) => (h as Handler).name === 'offthread') as Handler & { listener: { stop(): Promise<void>; worker: { terminate(): unknown } | null } };
      try {
        await q.listener.stop();
      } finally {
        void q.listener.worker?.terminate(); // a failed stop must not keep the test process alive
      }
      const lines = (await readFile(logFile, 'utf8')).split('\n').filter(Boolean);
      assert.equal(lines.length, 2);
      assert.match(lines[0]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO {5}myapp\.api \[\d+\]: request served$/);
      assert.match(lines[1]!, /ERROR {4}myapp\.db \[\d+\]: connection lost$/);
      if (withSyslog) {
        for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        assert.equal(got.length, 1, 'only the ERROR reaches syslog (level WARNING)');
        assert.match(got[0]!, /^<131>myapp\[\d+\]: ERROR myapp\.db: connection lost/);
      }
    } finally {
      udp.close();
    }
  });
});
