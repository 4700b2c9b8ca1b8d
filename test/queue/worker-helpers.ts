// Shared by the queue tests: start a .ts worker under tsx, read log files.
import { Worker } from 'node:worker_threads';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const handlersModule = join(import.meta.dirname, '..', 'fixtures', 'queue', 'handlers.ts');

/** A Worker running a TypeScript file (registers tsx in the worker first). */
export function tsWorker(file: string, workerData: unknown): Worker {
  const href = new URL(`file://${file}`).href;
  return new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(href)}); })`, { eval: true, workerData });
}

export function tempFile(name = 'out.log'): string {
  return join(mkdtempSync(join(tmpdir(), 'logflume-queue-')), name);
}

export function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0) : [];
}

export async function waitFor(cond: () => boolean, timeoutMs = 15000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
