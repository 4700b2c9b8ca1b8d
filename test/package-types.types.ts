/**
 * The package's types, as a TypeScript user gets them from the tarball, under
 * every setting users have (skipLibCheck off), @arethetypeswrong's verdict,
 * and the typedoc API reference. Slow (a full build, pack, install and a
 * dozen compilations), so it is its own suite: `npm run test:types`, which
 * .ci/run runs after `npm test`.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile, cp, readdir, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
let work = '';
let consumer = '';
let tarball = '';

/** The entry points a TypeScript user imports in the resolution matrix (otel/http need their optional peers' types). */
const MATRIX_IMPORTS = `import { getLogger, Formatter, tzset } from 'logflume';
import { RotatingFileHandler } from 'logflume/handlers';
import { dictConfig } from 'logflume/config';
import { captureLogs } from 'logflume/testing';
import { FrameDecoder } from 'logflume/wire';
const log = getLogger('ts');
log.addHandler(new RotatingFileHandler('x.log'));
const cap = captureLogs(log, 'INFO');
const n: number = cap.records.length;
void Formatter; void tzset; void dictConfig; void FrameDecoder; void n;
// @ts-expect-error the types are real, not any
getLogger(42);
`;

/** Every TypeScript setting users have, each with skipLibCheck off. */
const TS_MATRIX: { name: string; file: string; options: Record<string, unknown> }[] = [
  { name: 'nodenext (ESM)', file: 'm1.mts', options: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022' } },
  { name: 'node16 (ESM)', file: 'm2.mts', options: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'node16 (CommonJS project)', file: 'm3.cts', options: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'node10 / "node" (CommonJS, default target ES5)', file: 'm4.ts', options: { module: 'commonjs', moduleResolution: 'node10' } },
  { name: 'bundler (ESM, default target ES5)', file: 'm5.ts', options: { module: 'esnext', moduleResolution: 'bundler' } },
];

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000, ...opts });
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

describe('package types', { timeout: 600_000 }, () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'lf-types-'));
    const pkgDir = join(work, 'pkg');
    consumer = join(work, 'consumer');
    await mkdir(pkgDir);
    await mkdir(consumer);
    // npm run build (scripts/build.mjs): tsc declarations + .d.cts twins, esbuild-bundled JavaScript
    const build = run(process.execPath, [join(repo, 'scripts', 'build.mjs'), join(pkgDir, 'dist')], { cwd: repo });
    assert.equal(build.status, 0, `build failed:\n${build.stdout}${build.stderr}`);
    await writeFile(join(pkgDir, 'package.json'), await readFile(join(repo, 'package.json'), 'utf8'));
    for (const f of ['README.md']) await cp(join(repo, f), join(pkgDir, f));
    const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: pkgDir });
    assert.equal(pack.status, 0, pack.stderr);
    const tgz = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    assert.ok(tgz, 'npm pack produced a tarball');
    tarball = join(work, tgz);
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
    const inst = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--omit=optional', '--ignore-scripts', tarball], { cwd: consumer });
    assert.equal(inst.status, 0, `npm install failed:\n${inst.stdout}${inst.stderr}`);
  });

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  for (const m of TS_MATRIX) {
    test(`package types – resolve from the tarball with moduleResolution ${m.name}, skipLibCheck false`, async () => {
      const dir = join(consumer, `tsm-${m.file.replace(/\W/g, '')}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, m.file), MATRIX_IMPORTS);
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { ...m.options, strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(repo, 'node_modules', '@types')] }, files: [m.file] }),
      );
      const r = run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: consumer });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });
  }

  test('package types – @arethetypeswrong/cli finds no problem beyond the ESM-only design', () => {
    // cjs-resolves-to-esm and false-cjs: the package is ESM only; `require()` of it works through
    // Node's require(esm) (≥ 20.19), and the .d.cts types describe exactly the namespace require() returns.
    const attw = join(repo, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    const r = run(process.execPath, [attw, tarball, '--format', 'json', '--ignore-rules', 'cjs-resolves-to-esm', 'false-cjs']);
    assert.equal(r.status, 0, r.stdout.slice(0, 4000) + r.stderr);
  });

  test('package types – the API reference and docs pages build with typedoc (typedoc.json, what `npm run docs` runs)', async () => {
    const out = join(work, 'api');
    const r = run(process.execPath, [join(repo, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out], { cwd: repo });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const index = await readFile(join(out, 'index.html'), 'utf8');
    assert.match(index, /logflume/);
    const classes = await readdir(join(out, 'classes'));
    for (const c of ['index.JsonFormatter.html', 'index.ColorFormatter.html', 'index.Logger.html', 'handlers.RotatingFileHandler.html']) assert.ok(classes.includes(c), c);
    const docs = await readdir(join(out, 'documents'));
    for (const d of ['cookbook', 'json', 'context', 'testing']) assert.ok(docs.some((f) => f.startsWith(d)), `${d} page in ${docs.join(',')}`);
  });
});
