// logflume demo: several loggers, levels, three format styles, a file and the console.
// Run: npm install && npm run demo
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLogger, StreamHandler, FileHandler, Formatter, Filter, LoggerAdapter, kw, DEBUG, INFO, WARNING } from '../src/index.js';

const logFile = join(mkdtempSync(join(tmpdir(), 'logflume-demo-')), 'app.log');

// Console: WARNING and above from everything, in Python's default-looking layout.
const console = new StreamHandler(process.stdout);
console.setLevel(WARNING);
console.setFormatter(new Formatter('%(asctime)s %(levelname)-8s %(name)s: %(message)s'));

// File: everything from "app" down, one brace-style line per record.
const file = new FileHandler(logFile);
file.setLevel(DEBUG);
file.setFormatter(new Formatter('{asctime} | {levelname:<8} | {name:<12} | {funcName}:{lineno} | {message}', '%H:%M:%S', '{'));

const app = getLogger('app');
app.setLevel(DEBUG);
app.addHandler(console);
app.addHandler(file);

const http = getLogger('app.http'); // child: propagates to app's handlers
const db = getLogger('app.db');
db.setLevel(INFO); // db's DEBUG is dropped at the logger

function handleRequest(i: number): void {
  http.debug('request %d started', i);
  http.info('GET /items/%d -> %d in %.1f ms', i, 200, 3.14159 * i);
}
for (let i = 1; i <= 3; i++) handleRequest(i);

db.debug('this never appears (app.db is at INFO)');
db.info('pool ready: %(size)d connections to %(host)s', { size: 10, host: 'db.local' });
db.warning('slow query took %dms', 1250);

// Contextual fields with LoggerAdapter, used in a $-style format on a second console handler.
const audit = getLogger('audit');
const auditOut = new StreamHandler(process.stdout);
auditOut.setFormatter(new Formatter('${levelname} [user=${user}] ${message}', null, '$'));
audit.addHandler(auditOut);
audit.propagate = false;
new LoggerAdapter(audit, { user: 'ann' }).warning('deleted %s', 'report.pdf');

// Only records from app.http reach this handler.
const httpOnly = new StreamHandler(process.stdout);
httpOnly.addFilter(new Filter('app.http'));
httpOnly.setFormatter(new Formatter('  [http-only] %(message)s'));
app.addHandler(httpOnly);
http.error('upstream timeout after %ds', 30);
db.error('not shown by the http-only handler');

// An exception with its cause chain.
try {
  try {
    JSON.parse('{oops');
  } catch (e) {
    throw new Error('could not load settings', { cause: e });
  }
} catch (e) {
  app.exception('startup failed', kw({ exc_info: e }));
}

console.flushSync();
process.stdout.write(`\n--- ${logFile} ---\n` + readFileSync(logFile, 'utf8'));
