// Runs a logging script with its stdout a pipe (read here, as `| wc -l` would)
// or a redirected file, then checks every line: N lines, each sequence number
// once, in order. The script reports its timing on fd 3, since its stdout is
// the thing measured. Prints the script's result, plus the verdict, as JSON.
// Usage: node stdout-driver.mjs pipe|file <file> <N> <command...> (N is appended to the command)
import { spawn, execFileSync } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync, constants as fsConstants } from 'node:fs';
import net from 'node:net';

const [target, file, nArg, ...cmd] = process.argv.slice(2);
const n = Number(nArg);
const re = /request handled (\d+)/;
let expected = 0;
let problem = null;
function check(line) {
  if (problem !== null) return;
  const m = re.exec(line);
  if (!m || Number(m[1]) !== expected) problem = `line ${expected + 1} is not record ${expected}: ${line.slice(0, 120)}`;
  expected++;
}
// 'pipe' is a kernel pipe (a FIFO next to <file>), as a shell's `| wc -l` or a container
// runtime gives: spawn's own 'pipe' is a UNIX socket pair, where each write costs ≈ 1.5× more
let fd;
let reader = null;
if (target === 'file') fd = openSync(file, 'w');
else {
  const fifo = `${file}.fifo`;
  rmSync(fifo, { force: true });
  execFileSync('mkfifo', [fifo]);
  const rfd = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK); // does not wait for a writer
  fd = openSync(fifo, 'w');
  rmSync(fifo);
  reader = new net.Socket({ fd: rfd, readable: true, writable: false });
}
const child = spawn(cmd[0] === 'node' ? process.execPath : cmd[0], [...cmd.slice(1), String(n)], { stdio: ['ignore', fd, 'inherit', 'pipe'] });
if (reader !== null) closeSync(fd); // the child holds the only write end: EOF when it exits
let result = '';
child.stdio[3].on('data', (d) => (result += d));
// the pipe is read as `| wc -l` would read it, keeping up with any writer: chunks are only
// collected while the child runs and checked once it has exited (a line-by-line check here
// made this reader the bottleneck, at ≈ 400 k lines/s on this machine)
const chunks = [];
const eof = reader === null ? null : new Promise((resolve) => reader.on('end', resolve));
reader?.on('data', (chunk) => chunks.push(chunk));
const code = await new Promise((resolve) => child.on('close', resolve));
if (reader === null) {
  closeSync(fd);
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const l of lines) check(l);
  rmSync(file, { force: true });
} else {
  await eof;
  const lines = Buffer.concat(chunks).toString('utf8').split('\n');
  chunks.length = 0;
  if (lines[lines.length - 1] === '') lines.pop();
  for (const l of lines) check(l);
}
if (code !== 0) problem ??= `exit ${code}`;
if (problem === null && expected !== n) problem = `expected ${n} lines, got ${expected}`;
let res = {};
try {
  res = JSON.parse(result.trim().split('\n').pop());
} catch {
  problem ??= `no result on fd 3: ${result.slice(0, 200)}`;
}
process.stdout.write(JSON.stringify(problem === null ? res : { ...res, error: problem }) + '\n');
