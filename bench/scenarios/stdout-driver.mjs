// Runs a logging script with its stdout a pipe (read here, as `| wc -l` would)
// or a redirected file, then checks every line: N lines, each sequence number
// once, in order. The script reports its timing on fd 3, since its stdout is
// the thing measured. Prints the script's result, plus the verdict, as JSON.
// Usage: node stdout-driver.mjs pipe|file <file> <N> <command...> (N is appended to the command)
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync } from 'node:fs';

const [target, file, nArg, ...cmd] = process.argv.slice(2);
const n = Number(nArg);
const re = /request handled (\d+)/;
let expected = 0;
let problem = null;
let partial = '';
function check(line) {
  if (problem !== null) return;
  const m = re.exec(line);
  if (!m || Number(m[1]) !== expected) problem = `line ${expected + 1} is not record ${expected}: ${line.slice(0, 120)}`;
  expected++;
}
const fd = target === 'file' ? openSync(file, 'w') : null;
const child = spawn(cmd[0] === 'node' ? process.execPath : cmd[0], [...cmd.slice(1), String(n)], { stdio: ['ignore', fd ?? 'pipe', 'inherit', 'pipe'] });
let result = '';
child.stdio[3].on('data', (d) => (result += d));
if (fd === null) {
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const l of lines) check(l);
  });
}
const code = await new Promise((resolve) => child.on('close', resolve));
if (fd !== null) {
  closeSync(fd);
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const l of lines) check(l);
  rmSync(file, { force: true });
} else if (partial !== '') check(partial);
if (code !== 0) problem ??= `exit ${code}`;
if (problem === null && expected !== n) problem = `expected ${n} lines, got ${expected}`;
let res = {};
try {
  res = JSON.parse(result.trim().split('\n').pop());
} catch {
  problem ??= `no result on fd 3: ${result.slice(0, 200)}`;
}
process.stdout.write(JSON.stringify(problem === null ? res : { ...res, error: problem }) + '\n');
