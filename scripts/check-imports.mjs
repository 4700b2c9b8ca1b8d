#!/usr/bin/env node
// Import-graph check over src/**/*.ts: reports import cycles and upward imports
// out of src/internal/ (internal code must not depend on the modules built on it).
// Static `import`/`export … from` count; `import type` counts for the upward rule
// (a type dependency is still a dependency) but not for cycles, which are about
// module evaluation order. Dynamic `import()` is lazy and counts for neither.
// Usage: node scripts/check-imports.mjs [--json]   (exit 1 on an import cycle or an upward import)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// Matches `import … from '…'`, `import '…'`, `export … from '…'` at statement start (multi-line clauses too).
const STATEMENT = /^\s*(?:import|export)\s+(type\s+)?(?:([^'";]*?)\s+from\s*)?['"]([^'"]+)['"]/gm;

/** Returns [{ to, typeOnly }] for one file's relative imports, resolved to .ts paths. */
export function importsOf(file, text = readFileSync(file, 'utf8')) {
  const out = [];
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  for (const m of stripped.matchAll(STATEMENT)) {
    const [, typeKw, clause = '', spec] = m;
    if (!spec.startsWith('.')) continue;
    // `import { type A, type B }` is type-only too.
    const names = /\{([^}]*)\}/.exec(clause)?.[1];
    const allTypeNames = names !== undefined && !/^\s*$/.test(names) && names.split(',').filter((s) => s.trim()).every((s) => /^\s*type\s/.test(s)) && !/\w/.test(clause.split('{')[0]);
    const typeOnly = Boolean(typeKw) || allTypeNames;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    out.push({ to: target, typeOnly });
  }
  return out;
}

export function analyse({ withTypes = true, srcDir = src } = {}) {
  const files = walk(srcDir).sort();
  const graph = new Map();
  const upward = [];
  const internal = join(srcDir, 'internal') + sep;
  function rel(p) { return relative(dirname(srcDir), p).split(sep).join('/'); }
  for (const f of files) {
    const deps = importsOf(f);
    graph.set(f, deps.filter((d) => withTypes || !d.typeOnly).map((d) => d.to));
    if (f.startsWith(internal)) {
      for (const d of deps) if (!d.to.startsWith(internal)) upward.push(`${rel(f)} -> ${rel(d.to)}`);
    }
  }
  // Tarjan's strongly connected components: every component with more than one file is a cycle.
  let index = 0;
  const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], cycles = [];
  const strong = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); comp.push(rel(w)); } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) strong(f);
  return { files: files.length, cycles, upward };
}


if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Runtime cycles and upward imports fail; type-only cycles are listed (test/architecture.test.ts keeps their allow-list).
  const r = analyse({ withTypes: false });
  const typeOnly = analyse({ withTypes: true }).cycles.filter((c) => !r.cycles.some((x) => x.join() === c.join()));
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ ...r, typeOnlyCycles: typeOnly }, null, 2) + '\n');
  else {
    for (const c of r.cycles) console.log(`cycle: ${c.join(' <-> ')}`);
    for (const u of r.upward) console.log(`upward import from src/internal: ${u}`);
    for (const c of typeOnly) console.log(`type-only cycle (no effect at run time): ${c.join(' <-> ')}`);
    console.log(`${r.files} files, ${r.cycles.length} import cycles, ${r.upward.length} upward imports, ${typeOnly.length} type-only cycles`);
  }
  process.exit(r.cycles.length || r.upward.length ? 1 : 0);
}
