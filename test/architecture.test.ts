/**
 * The module graph of src/: no import cycles, and nothing in src/internal/
 * imports a module built on it (scripts/check-imports.mjs; run it by hand for
 * a readable list). A type-only cycle is allowed only where the Python design
 * is mutually recursive (Logger ↔ Manager ↔ PlaceHolder ↔ LoggerAdapter).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain JavaScript script without declarations
import { analyse } from '../scripts/check-imports.mjs';

interface Analysis { files: number; cycles: string[][]; upward: string[] }
const run = analyse as (o?: { withTypes?: boolean; srcDir?: string }) => Analysis;

/** Type-only cycles that mirror Python's own mutual references. */
const ALLOWED_TYPE_CYCLES = [['src/logger-adapter.ts', 'src/logger.ts', 'src/manager.ts', 'src/placeholder.ts']];

describe('architecture', () => {
  test('architecture – src/ has no runtime import cycle', () => {
    const r = run({ withTypes: false });
    assert.ok(r.files > 50, `scanned ${r.files} files`);
    assert.deepEqual(r.cycles, []);
  });

  test('architecture – type-only cycles are limited to the Logger/Manager family', () => {
    const r = run({ withTypes: true });
    assert.deepEqual(r.cycles.filter((c) => !ALLOWED_TYPE_CYCLES.some((a) => a.join() === c.join())), []);
  });

  test('architecture – src/internal/ never imports upward', () => {
    assert.deepEqual(run().upward, []);
  });

  test('architecture – the checker finds a cycle, a type-only cycle and an upward import in a sample tree', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lf-arch-'));
    try {
      const src = join(dir, 'src');
      await mkdir(join(src, 'internal'), { recursive: true });
      await writeFile(join(src, 'a.ts'), "import { b } from './b.js';\nexport const a = () => b;\n");
      await writeFile(join(src, 'b.ts'), "export {\n  a as b,\n} from './a.js';\n");
      await writeFile(join(src, 'c.ts'), "import type { D } from './d.js';\nexport type C = D;\n");
      await writeFile(join(src, 'd.ts'), "import { type C } from './c.js';\nexport type D = C | 1;\n");
      await writeFile(join(src, 'internal', 'x.ts'), "// import { nope } from '../nope.js';\nimport type { a } from '../a.js';\nexport const x: typeof a | null = null;\nexport const s = 'from \\'../b.js\\'';\n");
      const runtime = run({ withTypes: false, srcDir: src });
      assert.deepEqual(runtime.cycles, [['src/a.ts', 'src/b.ts']]);
      assert.deepEqual(run({ withTypes: true, srcDir: src }).cycles.sort(), [['src/a.ts', 'src/b.ts'], ['src/c.ts', 'src/d.ts']]);
      assert.deepEqual(runtime.upward, ['src/internal/x.ts -> src/a.ts']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
