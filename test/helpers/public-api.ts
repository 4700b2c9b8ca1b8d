/** The public surface of each package.json entry point, read from its barrel (test/public-api.test.ts). */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface Surface {
  values: string[];
  types: string[];
}

/** Entry point → barrel source file (src/…/*.ts), from package.json `exports` (its "types" target, which keeps the source layout; the JavaScript is bundled flat). */
export function entryPoints(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const out: Record<string, string> = {};
  for (const [sub, v] of Object.entries(pkg.exports)) {
    if (!v || typeof v !== 'object') continue;
    const target = (v as Record<string, unknown>).types;
    if (typeof target !== 'string' || !target.startsWith('./dist/')) continue;
    out[sub] = join(repo, target.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'));
  }
  return out;
}

/** Type-only names a barrel re-exports (`type X` inside braces, or `export type { … }`). */
export function typeExports(source: string): string[] {
  const out = new Set<string>();
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const m of text.matchAll(/export\s+(type\s+)?\{([^}]*)\}/g)) {
    for (const raw of m[2]!.split(',')) {
      const item = raw.trim();
      if (!item) continue;
      const isType = Boolean(m[1]) || item.startsWith('type ');
      if (!isType) continue;
      const name = item.replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      out.add(name);
    }
  }
  for (const m of text.matchAll(/export\s+(?:interface|type)\s+([A-Za-z_$][\w$]*)/g)) out.add(m[1]!);
  return [...out].sort();
}

export async function surfaceOf(file: string): Promise<Surface> {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  return { values: Object.keys(mod).sort(), types: typeExports(readFileSync(file, 'utf8')) };
}
