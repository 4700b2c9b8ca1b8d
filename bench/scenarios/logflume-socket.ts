// SocketHandler → LogRecordReceiver on loopback, in two processes: this one
// sends N × info("request handled %d", i) from logger app.http (the default
// compact frames unless a format is given,
// default backlog; it yields every 1000 records as a server would, and awaits
// flush() when more than 5000 frames are queued), a forked
// child receives, rebuilds each record and hands it to a logger with a
// NullHandler. Prints JSON {recordsPerSec, callerNs}: records/s from the first
// call until the receiver has handled the N-th record.
// Usage: node --import tsx bench/scenarios/logflume-socket.ts [N] [compact|json|pickle]
import { fork } from 'node:child_process';
import { getLogger, INFO, NullHandler, type LogRecord } from '../../src/index.js';
import { SocketHandler } from '../../src/handlers/socket-handler.js';
import { LogRecordReceiver } from '../../src/handlers/log-record-receiver.js';

const args = process.argv.slice(2);
if (args[0] === '--receiver') {
  const n = Number(args[1]);
  let count = 0;
  class Counting extends LogRecordReceiver {
    override handleLogRecord(record: LogRecord): void {
      super.handleLogRecord(record);
      if (++count === n) process.send!({ done: true });
    }
  }
  const sink = getLogger('app');
  sink.addHandler(new NullHandler());
  sink.propagate = false;
  const rx = new Counting({ tcp: 0 });
  const a = await rx.start();
  process.send!({ port: a.tcp!.port });
  process.on('message', () => {
    void rx.close().then(() => process.exit(0));
  });
} else {
  const n = Number(args[0] ?? 200_000);
  const format = args[1] as 'compact' | 'json' | 'pickle' | undefined; // default: the handler's default
  const child = fork(process.argv[1]!, ['--receiver', String(n)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const done = new Promise<void>((resolve) => child.on('message', (m: { done?: boolean }) => m.done && resolve()));
  const h = new SocketHandler('127.0.0.1', port, format ? { format } : {});
  const log = getLogger('app.http');
  log.setLevel(INFO);
  log.addHandler(h);
  log.propagate = false;
  let callerNs = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1000) {
    const c0 = process.hrtime.bigint();
    for (let j = i; j < Math.min(n, i + 1000); j++) log.info('request handled %d', j);
    callerNs += Number(process.hrtime.bigint() - c0);
    // Backpressure: Python's send() blocks; ours queues, so a producer faster
    // than the receiver waits for the queue to drain instead of overflowing it.
    if (h.queuedCount > 5000) await h.flush();
    else await new Promise((r) => setImmediate(r));
    if (h.droppedCount > 0) break;
  }
  if (h.droppedCount > 0) {
    process.stderr.write(`INVALID: ${h.droppedCount} records dropped\n`);
    child.kill();
    process.exit(1);
  }
  await done;
  const t1 = process.hrtime.bigint();
  await h.close();
  child.send('stop');
  if (h.droppedCount > 0) {
    process.stderr.write(`INVALID: ${h.droppedCount} records dropped\n`);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify({ recordsPerSec: (n * 1e9) / Number(t1 - t0), callerNs: callerNs / n }) + '\n');
}
