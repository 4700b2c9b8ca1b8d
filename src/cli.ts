#!/usr/bin/env node
/**
 * `logflume serve`: a standalone LogRecordReceiver. Records from any number
 * of SocketHandler / DatagramHandler senders (logflume or CPython) are handed
 * to the local logger of the same name; `--config` (a dictConfig file, JSON
 * or YAML) decides where they end up.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { root, StreamHandler, Formatter, NOTSET, shutdown } from './index.js';
import { LogRecordReceiver, type LogRecordReceiverOptions } from './handlers/log-record-receiver.js';
import { HTTPLogReceiver, type HTTPLogReceiverOptions } from './handlers/http-log-receiver.js';
import type { WireFormat } from './handlers/wire/record-dict.js';

const HELP = `Usage: logflume serve [options]
       node app.js | logflume pretty [options]   (see logflume pretty --help)

Receive log records sent by SocketHandler (TCP, Unix) and DatagramHandler (UDP)
— logflume's or CPython's stock logging.handlers — and hand each to the local
logger of the same name; with --http, also what HTTPHandler sends (CPython's
GET query or POST form, logflume's form or JSON batches). Without
--tcp/--udp/--unix/--http, listens on TCP 9020.

Listeners:
  --tcp PORT              TCP port (0 = any free port; the port is printed)
  --udp PORT              UDP port (0 = any free port)
  --udp-rcvbuf BYTES      UDP receive buffer (default 4194304; the kernel caps it
                          at net.core.rmem_max); a burst beyond it is dropped by
                          the kernel, counted in the receiver's udpDrops
  --unix PATH             Unix domain stream socket path
  --http PORT             HTTP port for HTTPHandler senders (Python's default: 9022)
  --http-path PATH        accept only this request path (default: any)
  --http-credentials-file FILE  require Basic auth "user:password" read from FILE
                          (or set LOGFLUME_HTTP_CREDENTIALS)
  --http-tls-key FILE, --http-tls-cert FILE  serve HTTPS with this key and cert
  --host ADDR             address to bind TCP/UDP to (default 127.0.0.1;
                          use 0.0.0.0 only behind a firewall, with --hmac-key-file)

Output:
  --config FILE           dictConfig file (.json, .yaml) for the receiver's own
                          logging; default: every record to stdout as
                          "%(asctime)s %(name)s %(levelname)s %(message)s"
  --logname NAME          send every record to this logger instead of its own name

Safety:
  --max-frame-size BYTES  largest record accepted (default 1048576; for --http
                          the largest request body)
  --max-connections N     simultaneous connections (default 128)
  --read-timeout MS       time a started record may take to arrive (default 10000)
  --idle-timeout MS       close connections silent this long (default 600000;
                          0 = never)
  --max-message-expansion N  merge a record's msg % args only while the result
                          stays within N × its frame size + 4096 (default 4)
  --max-loggers N         loggers created for received names (default 1000)
  --max-logger-depth N    dots in a name that gets its own logger (default 16);
                          past either, records go to the nearest existing
                          ancestor logger and are counted
  --hmac-key-file FILE    require HMAC-SHA256-signed frames, key read from FILE
                          (or set LOGFLUME_HMAC_KEY); senders use the same key
  --formats LIST          accepted payloads: compact,json,pickle (default all;
                          pickle is decoded as plain data only, never executed)
  --drain-timeout MS      on SIGTERM/SIGINT, wait this long for senders (default 5000)

  -h, --help              show this help

On start, one line per listener is printed to stderr:
  logflume serve: listening on tcp 127.0.0.1:9020
SIGTERM or SIGINT stops accepting, drains connected senders, flushes and closes
the handlers, then exits 0.
`;

function intOpt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got ${v}`);
  return n;
}

class UsageError extends Error {}

async function configure(file: string | undefined): Promise<void> {
  if (!file) {
    const h = new StreamHandler(process.stdout);
    h.setFormatter(new Formatter('%(asctime)s %(name)s %(levelname)s %(message)s'));
    root.addHandler(h);
    root.setLevel(NOTSET);
    return;
  }
  const config = (await import('./config/index.js')) as {
    loadConfigFile(path: string): Promise<unknown>;
    dictConfigAsync(config: unknown): Promise<void>;
  };
  await config.dictConfigAsync(await config.loadConfigFile(file));
}

/** Run `logflume <argv>`; resolves with the receiver once it listens. */
export async function main(argv: string[]): Promise<LogRecordReceiver | null> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === undefined) {
    process.stdout.write(HELP);
    return null;
  }
  if (command === 'pretty') {
    const { runPretty } = await import('./pretty/cli.js');
    await runPretty(rest);
    return null;
  }
  if (command !== 'serve') throw new UsageError(`unknown command ${command} (try: logflume serve --help, logflume pretty --help)`);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      tcp: { type: 'string' },
      udp: { type: 'string' },
      'udp-rcvbuf': { type: 'string' },
      unix: { type: 'string' },
      http: { type: 'string' },
      'http-path': { type: 'string' },
      'http-credentials-file': { type: 'string' },
      'http-tls-key': { type: 'string' },
      'http-tls-cert': { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      logname: { type: 'string' },
      'max-frame-size': { type: 'string' },
      'max-connections': { type: 'string' },
      'read-timeout': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'hmac-key-file': { type: 'string' },
      formats: { type: 'string' },
      'drain-timeout': { type: 'string' },
      'max-message-expansion': { type: 'string' },
      'max-loggers': { type: 'string' },
      'max-logger-depth': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return null;
  }
  const opts: LogRecordReceiverOptions = {
    tcp: intOpt(values.tcp, 'tcp') ?? null,
    udp: intOpt(values.udp, 'udp') ?? null,
    unix: values.unix ?? null,
    host: values.host ?? '127.0.0.1',
    logname: values.logname ?? null,
  };
  const httpPort = intOpt(values.http, 'http') ?? null;
  if (opts.tcp === null && opts.udp === null && !opts.unix && httpPort === null) opts.tcp = 9020;
  const num = (k: keyof typeof values, name: string): number | undefined => intOpt(values[k] as string | undefined, name);
  const rcvbuf = num('udp-rcvbuf', 'udp-rcvbuf');
  if (rcvbuf !== undefined) opts.udpReceiveBuffer = rcvbuf;
  const maxFrameSize = num('max-frame-size', 'max-frame-size');
  if (maxFrameSize !== undefined) opts.maxFrameSize = maxFrameSize;
  const maxConnections = num('max-connections', 'max-connections');
  if (maxConnections !== undefined) opts.maxConnections = maxConnections;
  const readTimeout = num('read-timeout', 'read-timeout');
  if (readTimeout !== undefined) opts.readTimeout = readTimeout;
  const idleTimeout = num('idle-timeout', 'idle-timeout');
  if (idleTimeout !== undefined) opts.idleTimeout = idleTimeout;
  const drainTimeout = num('drain-timeout', 'drain-timeout');
  if (drainTimeout !== undefined) opts.drainTimeout = drainTimeout;
  const expansion = num('max-message-expansion', 'max-message-expansion');
  if (expansion !== undefined) opts.maxMessageExpansion = expansion;
  const maxLoggers = num('max-loggers', 'max-loggers');
  if (maxLoggers !== undefined) opts.maxLoggers = maxLoggers;
  const maxLoggerDepth = num('max-logger-depth', 'max-logger-depth');
  if (maxLoggerDepth !== undefined) opts.maxLoggerDepth = maxLoggerDepth;
  if (values.formats) opts.formats = values.formats.split(',').map((s) => s.trim()) as WireFormat[];
  if (values['hmac-key-file']) opts.hmacKey = readFileSync(values['hmac-key-file']).toString('utf8').replace(/\r?\n$/, '');
  else if (process.env.LOGFLUME_HMAC_KEY) opts.hmacKey = process.env.LOGFLUME_HMAC_KEY;

  let httpRx: HTTPLogReceiver | null = null;
  if (httpPort !== null) {
    const ho: HTTPLogReceiverOptions = { port: httpPort, host: opts.host!, path: values['http-path'] ?? null, logname: opts.logname ?? null };
    if (opts.maxFrameSize !== undefined) ho.maxBodySize = opts.maxFrameSize;
    if (opts.maxConnections !== undefined) ho.maxConnections = opts.maxConnections;
    if (opts.readTimeout !== undefined) ho.requestTimeout = opts.readTimeout;
    if (opts.maxMessageExpansion !== undefined) ho.maxMessageExpansion = opts.maxMessageExpansion;
    if (opts.maxLoggers !== undefined) ho.maxLoggers = opts.maxLoggers;
    if (opts.maxLoggerDepth !== undefined) ho.maxLoggerDepth = opts.maxLoggerDepth;
    const cred = values['http-credentials-file'] ? readFileSync(values['http-credentials-file'], 'utf8').replace(/\r?\n$/, '') : process.env.LOGFLUME_HTTP_CREDENTIALS;
    if (cred) {
      const i = cred.indexOf(':');
      if (i < 0) throw new UsageError('HTTP credentials must be "user:password"');
      ho.credentials = [cred.slice(0, i), cred.slice(i + 1)];
    }
    if (values['http-tls-key'] || values['http-tls-cert']) {
      if (!values['http-tls-key'] || !values['http-tls-cert']) throw new UsageError('--http-tls-key and --http-tls-cert go together');
      ho.tls = { key: readFileSync(values['http-tls-key']), cert: readFileSync(values['http-tls-cert']) };
    }
    httpRx = new HTTPLogReceiver(ho);
  }

  await configure(values.config);
  const socketListeners = opts.tcp !== null || opts.udp !== null || !!opts.unix;
  const rx = socketListeners ? new LogRecordReceiver(opts) : null;
  const a = rx ? await rx.start() : {};
  if (httpRx) {
    await httpRx.start();
    const h = httpRx.address!;
    process.stderr.write(`logflume serve: listening on http${values['http-tls-key'] ? 's' : ''} ${h.address}:${h.port}\n`);
  }
  if (a.tcp) process.stderr.write(`logflume serve: listening on tcp ${a.tcp.address}:${a.tcp.port}\n`);
  if (a.udp) process.stderr.write(`logflume serve: listening on udp ${a.udp.address}:${a.udp.port} (receive buffer ${rx!.stats.udpReceiveBuffer} bytes)\n`);
  if (a.unix) process.stderr.write(`logflume serve: listening on unix ${a.unix}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void Promise.all([rx?.close(), httpRx?.close()])
      .then(() => shutdown())
      .finally(() => {
        process.stderr.write('logflume serve: stopped\n');
        process.exit(0);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return rx;
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`logflume: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
