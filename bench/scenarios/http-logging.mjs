// Request logging under a bounded load: a node:http server on loopback with
// logflume's RequestLogger (JSON to a file), pino-http, or no logging; autocannon
// sends a fixed number of requests (10 connections). Prints requests/s, the
// mean latency and the process's CPU time per request; the log file must hold one
// JSON record per request with method, url, status, duration and a distinct id.
// Both loggers write a file in batches (logflume: FileHandler buffered: true;
// pino: an async destination) and use their defaults otherwise (neither echoes
// the id in a response header). For probes: RL_OPTS (JSON) adds RequestLogger
// options; HTTP_BENCH_VERIFY=0 only counts the lines (instruction counts under
// valgrind without the check's JSON.parse).
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [file, amountArg, mode] = process.argv.slice(2);
const amount = Number(amountArg);
const warm = 500;
writeFileSync(file, ''); // pino's destination appends: start from an empty file
let close = async () => {};
let handler = (_req, res) => res.end('ok');
if (mode === 'logflume' || mode === 'logflume-nocontext') {
  const { getLogger, FileHandler, JsonFormatter } = await import('../../src/index.js');
  const { RequestLogger } = await import('../../src/http/index.js');
  const h = new FileHandler(file, { mode: 'w', buffered: true });
  h.setFormatter(new JsonFormatter({ time: 'epochMillis' }));
  const log = getLogger('http');
  log.setLevel('INFO');
  log.propagate = false;
  log.addHandler(h);
  handler = new RequestLogger({ logger: log, context: mode === 'logflume', ...JSON.parse(process.env.RL_OPTS ?? '{}') }).wrap(handler);
  close = () => h.close();
} else if (mode === 'pino-http') {
  const pino = (await import('pino')).default;
  const pinoHttp = (await import('pino-http')).default;
  const dest = pino.destination({ dest: file, sync: false, minLength: 4096 });
  await new Promise((r) => dest.once('ready', r));
  const mw = pinoHttp({ logger: pino(dest) });
  const inner = handler;
  handler = (req, res) => {
    mw(req, res);
    inner(req, res);
  };
  close = async () => {
    dest.flushSync();
    dest.end();
  };
}
// autocannon resolves on its 1 s sampling tick, so its own duration is rounded up to whole
// seconds: the time taken is the server's, until the last response has finished
let served = 0;
let tLast = 0n;
const logged = handler;
const server = http.createServer((req, res) => {
  res.once('finish', () => {
    served++;
    tLast = process.hrtime.bigint();
  });
  return logged(req, res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/items/1?q=x`;
const headers = { 'user-agent': 'bench', accept: 'application/json', authorization: 'Bearer abc' };
await autocannon({ url, connections: 10, amount: warm, headers });
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
const r = await autocannon({ url, connections: 10, amount, headers });
const secs = Number(tLast - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
server.close();
await close();
const total = r.requests.total;
const bad = r.non2xx + r.errors + r.timeouts;
let lines = amount + warm;
let wrong = null;
if (mode !== 'none' && process.env.HTTP_BENCH_VERIFY === '0') lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
else if (mode !== 'none') {
  // every line one whole JSON record of a request, with the same facts from both loggers: method, url,
  // status, a duration and an id, every id different
  const text = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  lines = text.length;
  const ids = new Set();
  for (const line of text) {
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      wrong = `not JSON: ${line.slice(0, 120)}`;
      break;
    }
    const id = mode === 'pino-http' ? r.req?.id : r.requestId;
    ids.add(id);
    if (r.req?.method !== 'GET' || r.req?.url !== '/items/1?q=x' || r.res?.statusCode !== 200 || typeof r.responseTime !== 'number' || id === undefined) {
      wrong = `record without method/url/status/duration/id: ${line.slice(0, 200)}`;
      break;
    }
  }
  if (wrong === null && ids.size !== lines) wrong = `${lines - ids.size} repeated request ids`;
}
if (bad > 0 || total !== amount || served !== amount + warm || lines !== amount + warm || wrong !== null) {
  process.stdout.write(JSON.stringify({ error: `requests ${total}/${amount} (served ${served}), failures ${bad}, log lines ${lines}/${amount + warm}${wrong ? `; ${wrong}` : ''}` }) + '\n');
} else {
  process.stdout.write(JSON.stringify({ recordsPerSec: total / secs, callerNs: r.latency.average * 1e6, cpuNsPerRequest: ((cpu.user + cpu.system) * 1000) / amount }) + '\n');
}
