// Child-process fixtures as one esbuild bundle each, built once per test file
// (process) and run with plain `node`: a `node --import tsx` start costs about
// 0.3 s of CPU (the loader thread, then every src module through it), a bundle
// about 0.1 s, and the exit-path suites start dozens of children.
// Only for fixtures whose children load no TypeScript at run time (no
// WorkerQueueListener worker, no dictConfig ext:// of a .ts module): those keep
// `tsxArgs`. The bundle keeps the modules' order of evaluation (dynamic imports
// stay lazy) and, with keepNames, the class names reports print (esbuild would
// otherwise rename some, e.g. FileHandler to _FileHandler). Everything is one
// file, so caller information (findCaller) sees one file: fixtures that assert
// on it must keep `tsxArgs` too.
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const built = new Map<string, string>();
let dir: string | null = null;

/** Node arguments that run the TypeScript `fixture` through tsx. */
export const tsxArgs = (fixture: string): string[] => ['--import', 'tsx', fixture];

/** Node arguments that run `fixture` as a bundle (built on first use in this process, removed at its exit). */
export function bundleArgs(fixture: string): string[] {
  let out = built.get(fixture);
  if (out === undefined) {
    if (dir === null) {
      // inside the repository, so the bundle's bare imports (packages stay external) resolve from node_modules
      const cache = join(root, 'node_modules', '.cache');
      mkdirSync(cache, { recursive: true });
      const d = mkdtempSync(join(cache, 'logflume-test-bundle-'));
      dir = d;
      process.once('exit', () => rmSync(d, { recursive: true, force: true }));
    }
    out = join(dir, `${built.size}-${basename(fixture).replace(/\.ts$/, '')}.mjs`);
    buildSync({ entryPoints: [fixture], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', keepNames: true, logLevel: 'warning' });
    built.set(fixture, out);
  }
  return [out];
}
