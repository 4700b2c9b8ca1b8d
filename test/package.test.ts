/**
 * The published package, as a user gets it: build → npm pack → npm install
 * the tarball into a fresh project (offline, no registry) → run an ESM
 * script, a CommonJS script and a TypeScript type check against it. The
 * type-resolution matrix, @arethetypeswrong and typedoc run in
 * test/package-types.types.ts (`npm run test:types`, a step of .ci/run).
 *
 * package.json is used as it is (its exports carry a "default" condition, so
 * `require()` resolves; Node ≥ 20.19 loads ESM through require()).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile, cp, readdir, mkdir } from 'node:fs/promises';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');

let work = '';
let consumer = '';


function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000, ...opts });
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Run a node script in the consumer with stdout/stderr going to files (pipes would load node:net through Node's own stdio). */
function runNodeToFiles(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const out = join(consumer, `out-${Math.random().toString(36).slice(2)}.txt`);
  const err = `${out}.err`;
  const fo = openSync(out, 'w');
  const fe = openSync(err, 'w');
  try {
    const r = spawnSync(process.execPath, args, { cwd: consumer, stdio: ['ignore', fo, fe], timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });
    return { status: r.status, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
  } finally {
    closeSync(fo);
    closeSync(fe);
  }
}

describe('package', { timeout: 300_000 }, () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'lf-pack-'));
    const pkgDir = join(work, 'pkg');
    consumer = join(work, 'consumer');
    await mkdir(pkgDir);
    await mkdir(consumer);
    // npm run build: declarations by tsc, JavaScript bundled by esbuild (scripts/build.mjs)
    const build = run(process.execPath, [join(repo, 'scripts', 'build.mjs'), join(pkgDir, 'dist')], { cwd: repo });
    assert.equal(build.status, 0, `build failed:\n${build.stdout}${build.stderr}`);
    await cp(join(repo, 'package.json'), join(pkgDir, 'package.json'));
    for (const f of ['README.md', 'docs']) await cp(join(repo, f), join(pkgDir, f), { recursive: true }).catch(() => undefined);
    const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: pkgDir });
    assert.equal(pack.status, 0, pack.stderr);
    const tgz = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    assert.ok(tgz, 'npm pack produced a tarball');
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
    const inst = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--omit=optional', '--ignore-scripts', join(work, tgz)], { cwd: consumer });
    assert.equal(inst.status, 0, `npm install failed:\n${inst.stdout}${inst.stderr}`);
  });

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('package – the tarball ships dist with .js and .d.ts for every entry point, and no tests', async () => {
    const dist = join(consumer, 'node_modules', 'logflume', 'dist');
    for (const f of ['index.js', 'index.d.ts', 'handlers.js', 'handlers/index.d.ts', 'config.js', 'config/index.d.ts', 'worker.js', 'cli.js']) {
      assert.ok((await readFile(join(dist, f), 'utf8')).length > 0, f);
    }
    const top = await readdir(join(consumer, 'node_modules', 'logflume'));
    assert.ok(!top.includes('test') && !top.includes('src'), top.join(','));
  });

  test('package – ESM import: README quick start, JSON output and context work from the installed package', async () => {
    await writeFile(
      join(consumer, 'esm.mjs'),
      `import { getLogger, basicConfig, StreamHandler, JsonFormatter, withContext, kw } from 'logflume';
import { RotatingFileHandler } from 'logflume/handlers';
import { dictConfig } from 'logflume/config';
basicConfig({ level: 'INFO', format: '%(levelname)s:%(name)s:%(message)s', stream: process.stdout });
const log = getLogger('app');
log.info('hello %s', 'esm');
const h = new StreamHandler(process.stdout);
h.setFormatter(new JsonFormatter({ fields: ['levelname', 'message'] }));
const jl = getLogger('json'); jl.propagate = false; jl.addHandler(h);
await withContext({ requestId: 'r1' }, async () => { await null; jl.warning('ctx', kw({ extra: { n: 1 } })); });
console.log(typeof RotatingFileHandler, typeof dictConfig);
`,
    );
    const r = runNodeToFiles(['esm.mjs']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'INFO:app:hello esm\n{"level":"WARNING","msg":"ctx","n":1,"requestId":"r1"}\nfunction function\n');
  });

  test('package – CommonJS require() of the ESM package (Node ≥ 20.19) works for all entry points', { skip: !requireEsmSupported() && `require(esm) is not available on Node ${process.version}` }, async () => {
    await writeFile(
      join(consumer, 'cjs.cjs'),
      `const { getLogger, StreamHandler, Formatter } = require('logflume');
const handlers = require('logflume/handlers');
const config = require('logflume/config');
const h = new StreamHandler(process.stdout); h.setFormatter(new Formatter('%(name)s %(message)s'));
const log = getLogger('cjs'); log.addHandler(h); log.warning('from %s', 'require');
console.log(typeof handlers.RotatingFileHandler, typeof config.dictConfig);
`,
    );
    const r = runNodeToFiles(['cjs.cjs']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'cjs from require\nfunction function\n');
  });

  test('package – the bundled entry points share one copy of each module: one logger tree, instanceof across entry points', async () => {
    await writeFile(
      join(consumer, 'shared.mjs'),
      `import * as core from 'logflume';
import * as handlers from 'logflume/handlers';
import * as config from 'logflume/config';
import * as testing from 'logflume/testing';
const fh = new handlers.RotatingFileHandler(process.argv[2]);
const checks = {
  handlerIsCoreHandler: fh instanceof core.Handler && fh instanceof core.FileHandler,
  queueHandler: new handlers.QueueHandler([]) instanceof core.Handler,
  // the bundler renames self-referencing classes (class _X) unless told to keep names: reprs and messages use them
  names: [core.Formatter, core.Logger, core.FileHandler, handlers.RotatingFileHandler, handlers.SocketHandler, core.LoggingError].map((c) => c.name).join(),
  repr: String(fh).split(' ')[0],
};
fh.close();
config.dictConfig({ version: 1, handlers: { s: { class: 'logflume.StreamHandler', stream: 'ext://process.stdout', formatter: 'f' } }, formatters: { f: { format: '%(name)s|%(filename)s|%(lineno)d|%(message)s' } }, loggers: { 'a.b': { handlers: ['s'], level: 'INFO' } } });
checks.sameTree = core.getLogger('a.b').handlers.length === 1 && core.getLogger('a.b').handlers[0] instanceof core.StreamHandler;
core.getLogger('a.b').info('through %s', 'dictConfig');
const cap = testing.captureLogs(core.getLogger('a.b'), 'INFO');
core.getLogger('a.b').info('seen by %s', 'capture');
checks.captured = cap.records.length === 1 && cap.records[0] instanceof core.LogRecord;
cap.stop();
process.stderr.write(JSON.stringify(checks));
`,
    );
    const r = runNodeToFiles(['shared.mjs', join(consumer, 'shared.log')]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stderr), { handlerIsCoreHandler: true, queueHandler: true, names: 'Formatter,Logger,FileHandler,RotatingFileHandler,SocketHandler,LoggingError', repr: '<RotatingFileHandler', sameTree: true, captured: true });
    // the caller is the user's script, not a bundle chunk (findCaller skips logflume's own files)
    assert.equal(r.stdout, 'a.b|shared.mjs|16|through dictConfig\n');
  });

  test('package – a WorkerQueueListener from the installed package starts its thread and delivers every record; the bin runs', async () => {
    const out = join(consumer, 'worker.log');
    await writeFile(
      join(consumer, 'worker.mjs'),
      `import { getLogger, shutdown } from 'logflume';
import { QueueHandler, WorkerQueueListener } from 'logflume/handlers';
const listener = new WorkerQueueListener([{ handlers: { f: { class: 'logflume.FileHandler', filename: process.argv[2], formatter: 'plain' } }, formatters: { plain: { format: '%(levelname)s %(message)s' } } }]);
await listener.start();
const log = getLogger('w'); log.propagate = false; log.setLevel('INFO');
log.addHandler(new QueueHandler(listener.queue));
for (let i = 0; i < 1000; i++) log.info('record %d', i);
await shutdown();
`,
    );
    const r = runNodeToFiles(['worker.mjs', out]);
    assert.equal(r.status, 0, r.stderr);
    const lines = (await readFile(out, 'utf8')).split('\n').filter(Boolean);
    assert.equal(lines.length, 1000);
    lines.forEach((l, i) => assert.equal(l, `INFO record ${i}`));
    const help = run(join(consumer, 'node_modules', '.bin', 'logflume'), ['--help'], { cwd: consumer });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: logflume serve/);
  });

  test('package – without the optional peers installed, each feature that needs one says which package to install', async () => {
    await writeFile(join(consumer, 'app.yaml'), 'version: 1\n');
    await writeFile(
      join(consumer, 'peers.mjs'),
      `import { getLogger } from 'logflume';
import { SMTPHandler } from 'logflume/handlers';
import { loadConfigFile } from 'logflume/config';
import { OpenTelemetryHandler } from 'logflume/otel';
const out = {};
try { new OpenTelemetryHandler({}); out.otel = 'constructed'; } catch (e) { out.otel = e.message; }
try { await loadConfigFile('app.yaml'); out.yaml = 'loaded'; } catch (e) { out.yaml = e.message; }
// SMTPHandler loads nodemailer when it sends: the failure goes to handleError (stderr), the log call returns
const s = new SMTPHandler({ mailhost: '127.0.0.1', fromaddr: 'a@example.com', toaddrs: ['b@example.com'], subject: 's' });
const log = getLogger('mail'); log.propagate = false; log.addHandler(s);
log.error('boom');
await s.flush();
await s.close();
process.stdout.write(JSON.stringify(out));
`,
    );
    const r = runNodeToFiles(['peers.mjs']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, string>;
    assert.match(out.otel!, /needs the optional package @opentelemetry\/api-logs: npm install @opentelemetry\/api-logs/);
    assert.match(out.yaml!, /need the "yaml" package: npm install yaml/);
    assert.match(r.stderr, /SMTPHandler needs the optional dependency nodemailer: run `npm install nodemailer`/);
  });

  test('package – importing the core loads no network or worker module; logflume/handlers may', async () => {
    await writeFile(
      join(consumer, 'probe.mjs'),
      `const before = new Set(process.moduleLoadList);
await import(process.argv[2]);
const added = process.moduleLoadList.filter((m) => !before.has(m) && /^NativeModule (net|dgram|tls|http|https|http2|worker_threads|zlib|crypto|child_process)$/.test(m));
process.stdout.write(JSON.stringify(added));
`,
    );
    const core = runNodeToFiles(['probe.mjs', 'logflume']);
    assert.equal(core.status, 0, core.stderr);
    assert.deepEqual(JSON.parse(core.stdout), []);
    const control = runNodeToFiles(['probe.mjs', 'node:dgram']);
    assert.deepEqual(JSON.parse(control.stdout), ['NativeModule dgram'], 'the probe does detect a network module');
    // cold start: the handlers load net, dgram, tls, http(s), zlib, crypto and child_process when one is made
    // (src/internal/lazy-builtins.ts), so importing the handlers or the config barrel loads none of them
    for (const entry of ['logflume/handlers', 'logflume/config']) {
      const r = runNodeToFiles(['probe.mjs', entry]);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), ['NativeModule worker_threads'], entry);
    }
  });

  test('package – types resolve for a TypeScript consumer (nodenext, strict)', async () => {
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(repo, 'node_modules', '@types')] },
        files: ['consumer.mts'],
      }),
    );
    await writeFile(
      join(consumer, 'consumer.mts'),
      `import { getLogger, JsonFormatter, ColorFormatter, withContext, kw, type JsonFormatterOptions, type LogRecord } from 'logflume';
import { captureLogs } from 'logflume/testing';
import { RotatingFileHandler } from 'logflume/handlers';
import { dictConfig } from 'logflume/config';
const opts: JsonFormatterOptions = { fields: ['levelname', 'message'], time: 'epoch' };
const log = getLogger('ts');
log.addHandler(new RotatingFileHandler('x.log'));
const f = new JsonFormatter(opts);
const c = new ColorFormatter({ colors: 'auto' });
const n: number = withContext({ requestId: 'r' }, () => 1);
const cap = captureLogs(log, 'INFO');
const recs: LogRecord[] = cap.records;
log.child({ requestId: 'r' }).info('x', kw({ extra: { a: 1 } }));
void dictConfig; void f; void c; void n; void recs;
// @ts-expect-error time must be one of the documented values (proves the types are real, not any)
new JsonFormatter({ time: 'sometimes' });
// @ts-expect-error withContext needs a function
withContext({ a: 1 });
`,
    );
    const r = run(process.execPath, [tsc, '-p', join(consumer, 'tsconfig.json')], { cwd: consumer });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  test('package – `npx logflume pretty` from a fresh install prints JSON lines readably; logflume/http loads with no framework installed', async () => {
    const line = JSON.stringify({ time: '2026-01-02T03:04:05.678Z', level: 'WARNING', logger: 'app', msg: 'disk low', free: 3 });
    const r = run('npx', ['--no-install', 'logflume', 'pretty', '--utc', '--no-color'], { cwd: consumer, input: `${line}\nplain text\n` });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '03:04:05.678Z WARNING app: disk low free=3\nplain text\n');
    await writeFile(join(consumer, 'http.mjs'), `import { RequestLogger, FastifyLogger } from 'logflume/http';\nconsole.log(typeof new RequestLogger().middleware(), typeof FastifyLogger);\n`);
    const h = runNodeToFiles(['http.mjs']);
    assert.equal(h.status, 0, h.stderr);
    assert.equal(h.stdout, 'function function\n');
  });
});

function requireEsmSupported(): boolean {
  const [maj, min] = process.versions.node.split('.').map(Number) as [number, number];
  return maj > 22 || (maj === 22 && min >= 12) || (maj === 20 && min >= 19);
}
