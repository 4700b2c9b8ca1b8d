import { spawnSync } from 'node:child_process';

/**
 * Run a python3 script that reads JSON from stdin and prints JSON on stdout;
 * the CPython oracle for comparison tests.
 */
export function runPython<T = unknown>(script: string, input: unknown, env: NodeJS.ProcessEnv = {}): T {
  const res = spawnSync('python3', ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`python3 failed (${res.status}): ${res.stderr}`);
  return JSON.parse(res.stdout) as T;
}
