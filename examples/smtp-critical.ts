// Mail only CRITICAL records, and never on the logging call's path: the logger
// puts records on a bounded queue, a QueueListener hands them to an
// SMTPHandler gated at CRITICAL, and the mail goes out in the background.
// This is the field guide's advice for SMTPHandler (one mail per record, slow).
// A local smtp-server (dev dependency) stands in for your mail relay.
// Run: node --import tsx examples/smtp-critical.ts
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { getLogger, Formatter, StreamHandler, CRITICAL, INFO } from '../src/index.js';
import { Queue, QueueHandler, QueueListener, SMTPHandler } from '../src/handlers/index.js';

// --- a stand-in mail relay that prints what it receives --------------------
const relay = new SMTPServer({
  authOptional: true,
  logger: false,
  onData(stream, _session, done) {
    let raw = '';
    stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    stream.on('end', () => {
      process.stdout.write(`\n[relay] received mail:\n${raw.replace(/\r\n/g, '\n').replace(/^/gm, '  | ')}\n`);
      done();
    });
  },
});
await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
const port = (relay.server.address() as AddressInfo).port;

// --- logging setup -----------------------------------------------------------
const mail = new SMTPHandler({
  mailhost: ['127.0.0.1', port], // in production: ['smtp.example.com', 587], credentials, secure: []
  fromaddr: 'app@example.com',
  toaddrs: ['oncall@example.com'],
  subject: 'CRITICAL in payments',
  timeout: 5, // seconds, as Python; a relay that hangs costs at most this per mail
});
mail.setLevel(CRITICAL);
mail.setFormatter(new Formatter('%(asctime)s %(levelname)s %(name)s\n\n%(message)s'));

const console = new StreamHandler(process.stdout);
console.setFormatter(new Formatter('%(levelname)-8s %(name)s: %(message)s'));

const queue = new Queue(10_000, { overflow: 'drop-oldest' });
const listener = new QueueListener(queue, console, mail, { respectHandlerLevel: true });
listener.start();

const log = getLogger('payments');
log.setLevel(INFO);
log.addHandler(new QueueHandler(queue));

// --- the application -----------------------------------------------------------
log.info('charging card %s', '****4242');
log.warning('gateway slow (%d ms)', 2400);
log.critical('gateway unreachable, payments are failing'); // the only record mailed
log.info('this log call returned before any mail was sent');

// --- shutdown: drain the queue, then wait for the mail -------------------------
await listener.stop();
await mail.close();
relay.close();
