#!/usr/bin/env node
// Builds the published dist/:
// - declarations by tsc, in the source layout (dist/index.d.ts, dist/handlers/index.d.ts, …),
//   post-processed by build-types.mjs (.d.cts twins, quoted #private members);
// - JavaScript by esbuild, one flat file per entry point (dist/index.js, dist/handlers.js,
//   dist/config.js, …, dist/cli.js, dist/worker.js) plus shared chunks (dist/chunk-*.js).
// Why bundle: Node's ESM loader pays ≈ 0.5 ms per module file, and `import 'logflume'`
// reached 61 files (≈ 43 ms against pino's ≈ 20 ms); bundled it reads 4 (≈ 17 ms).
// Code splitting keeps one copy of each module across entry points, so `logflume` and
// `logflume/handlers` share the logger tree, Handler and every other class (instanceof holds).
// Every other entry point also imports the core barrel (and the handler entries the handlers
// barrel): esbuild cuts chunks by the set of entry points that use a module, and without this
// the core alone came out as 10 chunks; with it, the core is one chunk.
// keepNames: esbuild emits self-referencing classes as `class _X`, and X.name is what
// handler reprs, error reports and config messages print.
// The layout is flat so that every file's folder is dist/ itself: code that finds a sibling
// file from import.meta.url (the worker entry, the package folder for stack frames) works
// from whichever chunk esbuild puts it in.
// Usage: node scripts/build.mjs [outDir] [--js-only]   (npm run build; default dist/;
//        --js-only skips the declarations, for tests that only run the JavaScript)
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const jsOnly = args.includes('--js-only');
const out = resolve(args.find((a) => !a.startsWith('--')) ?? join(repo, 'dist'));

/** Entry points: the output file (under out/, without .js) → its source. package.json's "exports" and "bin" point at these. */
export const ENTRY_POINTS = {
  index: 'src/index.ts',
  handlers: 'src/handlers/index.ts',
  config: 'src/config/index.ts',
  testing: 'src/testing/index.ts',
  wire: 'src/handlers/wire/index.ts',
  otel: 'src/otel/index.ts',
  http: 'src/http/index.ts',
  pretty: 'src/pretty/index.ts',
  cli: 'src/cli.ts',
  // the WorkerQueueListener's thread (src/handlers/worker-queue-listener.ts finds it as ./worker.js)
  worker: 'src/handlers/queue/worker.ts',
};

/** Entry points that also pull in the handlers barrel (they use most of it anyway), so that its modules share one chunk. */
const WITH_HANDLERS = new Set(['handlers', 'config', 'cli', 'worker']);

/** Each entry point as a virtual module: its source re-exported, plus the core (and handlers) barrels imported. */
const groupEntries = {
  name: 'logflume-entries',
  setup(b) {
    b.onResolve({ filter: /^logflume-entry:/ }, (a) => ({ path: a.path.slice('logflume-entry:'.length), namespace: 'logflume-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'logflume-entry' }, (a) => {
      const src = JSON.stringify(join(repo, ENTRY_POINTS[a.path]));
      const lines = [`export * from ${src};`, `import ${JSON.stringify(join(repo, ENTRY_POINTS.index))};`];
      if (WITH_HANDLERS.has(a.path)) lines.push(`import ${JSON.stringify(join(repo, ENTRY_POINTS.handlers))};`);
      // cli and worker are run, not imported: their top-level code is what matters
      if (a.path === 'cli' || a.path === 'worker') lines[0] = `import ${src};`;
      return { contents: lines.join('\n'), resolveDir: repo, loader: 'js' };
    });
  },
};

rmSync(out, { recursive: true, force: true });

if (!jsOnly) {
  const tsc = spawnSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repo, 'tsconfig.build.json'), '--emitDeclarationOnly', '--outDir', out], {
    cwd: repo,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  const types = spawnSync(process.execPath, [join(repo, 'scripts', 'build-types.mjs'), out], { cwd: repo, stdio: 'inherit' });
  if (types.status !== 0) process.exit(types.status ?? 1);
}

await build({
  absWorkingDir: repo,
  entryPoints: Object.fromEntries(Object.keys(ENTRY_POINTS).map((k) => [k, k === 'index' ? join(repo, ENTRY_POINTS.index) : `logflume-entry:${k}`])),
  plugins: [groupEntries],
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // third-party packages (optional peers: nodemailer, yaml, unix-dgram, OpenTelemetry) stay imports, resolved at run time
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  // classes that refer to themselves are emitted as `class _X`: keep `X.name` (handler reprs, error messages, config class names)
  keepNames: true,
  logLevel: 'warning',
});
// the bin: esbuild drops the source's hashbang when the entry is a virtual module
const cli = join(out, 'cli.js');
writeFileSync(cli, '#!/usr/bin/env node\n' + readFileSync(cli, 'utf8').replace(/^#!.*\n/, ''));
chmodSync(cli, 0o755);
console.log(`build: declarations and ${Object.keys(ENTRY_POINTS).length} bundled entry points in ${out}`);
