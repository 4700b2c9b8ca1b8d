#!/usr/bin/env node
// Post-processes the declarations tsc wrote to a dist directory (default: dist/):
// 1. `#private;` (how tsc declares a class's #fields) becomes a quoted private
//    member, `private "#private@Class";`: same brand (the class stays nominal and
//    the member is unreachable), but valid for consumers compiling to targets
//    below ES2015 with skipLibCheck off (TS18028 otherwise). The class name keeps
//    the brand distinct per class, so a subclass does not clash with its base.
// 2. Every .d.ts gets a .d.cts twin (relative specifiers ending .js → .cjs): the
//    types of package.json's "require" condition, so that a CommonJS project
//    (module node16) can `require('logflume')` — the ESM package loads through
//    require(esm) on Node ≥ 20.19 — without TS1479.
// Usage: node scripts/build-types.mjs [distDir]
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Replace each `#private;` member line with a quoted private member named after its class. */
export function rewritePrivate(text) {
  let cls = 'anonymous';
  return text
    .split('\n')
    .map((line) => {
      const m = /^\s*(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/.exec(line);
      if (m) cls = m[1];
      return line.replace(/^(\s*)#private;\s*$/, `$1private "#private@${cls}";`);
    })
    .join('\n');
}

/** The CommonJS twin of a declaration file: relative `.js` specifiers point at `.cjs` (resolved to `.d.cts`). */
export function toCts(text) {
  return text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.js\2/g, '$1$2$3.cjs$2');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  let n = 0;
  for (const file of walk(dist)) {
    const text = rewritePrivate(readFileSync(file, 'utf8'));
    writeFileSync(file, text);
    writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), toCts(text));
    n++;
  }
  console.log(`build-types: ${n} declaration files rewritten, with .d.cts twins, in ${dist}`);
}
