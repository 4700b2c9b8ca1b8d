// Issue #14 item 5: an options object a constructor does not understand is a
// clear error naming the key and the accepted ones, at construction.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamHandler, FileHandler, Formatter, JsonFormatter, ColorFormatter, ConfigError } from '../src/index.js';
import { RotatingFileHandler, TimedRotatingFileHandler, WatchedFileHandler, SocketHandler, DatagramHandler, SysLogHandler, HTTPHandler, SMTPHandler, MemoryHandler } from '../src/handlers/index.js';
import { dictConfig } from '../src/config/index.js';
import { isolateLogging, captureStderr } from './helpers/capture.js';

isolateLogging();
const file = (): string => join(mkdtempSync(join(tmpdir(), 'logflume-opt-')), 'app.log');
const bad = (fn: () => unknown, re: RegExp): void => {
  assert.throws(fn, (e: unknown) => e instanceof ConfigError && (e as ConfigError).code === 'ERR_LOGFLUME_OPTION' && re.test((e as Error).message));
};

describe('constructors reject what they do not understand (issue #14)', () => {
  test('an unknown key names the accepted keys and the closest one', () => {
    bad(() => new RotatingFileHandler(file(), { maxSize: 10 } as never), /RotatingFileHandler: unknown option 'maxSize'; accepted options: .*maxBytes/);
    bad(() => new JsonFormatter({ field: ['msg'] } as never), /JsonFormatter: unknown option 'field' \(did you mean 'fields'\?\)/);
    bad(() => new Formatter({ fmt: '%(message)s', stlye: '{' } as never), /did you mean 'style'/);
    bad(() => new FileHandler(file(), { bufered: true } as never), /FileHandler: unknown option 'bufered' \(did you mean 'buffered'\?\)/);
    bad(() => new TimedRotatingFileHandler(file(), { when: 'h', backupcount: 3 } as never), /did you mean 'backupCount'/);
    bad(() => new WatchedFileHandler(file(), { dealy: true } as never), /did you mean 'delay'/);
    bad(() => new ColorFormatter({ colours: true } as never), /ColorFormatter: unknown option 'colours'/);
  });

  test('network, mail and memory handlers too', () => {
    bad(() => new SocketHandler('127.0.0.1', 9, { retrymax: 1 } as never), /SocketHandler: unknown option 'retrymax' \(did you mean 'retryMax'\?\)/);
    bad(() => new DatagramHandler('127.0.0.1', 9, { maxPendng: 1 } as never), /did you mean 'maxPending'/);
    bad(() => new SysLogHandler({ address: ['127.0.0.1', 9], idnet: 'x' } as never), /SysLogHandler: unknown option 'idnet' \(did you mean 'ident'\?\)/);
    bad(() => new HTTPHandler({ host: '127.0.0.1:9', url: '/', batchsize: 10 } as never), /did you mean 'batchSize'/);
    bad(() => new SMTPHandler({ mailhost: '127.0.0.1', fromaddr: 'a@b', toaddrs: 'c@d', subject: 's', timeOut: 1 } as never), /did you mean 'timeout'/);
    bad(() => new MemoryHandler(10, { flushlevel: 'ERROR' } as never), /did you mean 'flushLevel'/);
    bad(() => new SocketHandler('127.0.0.1', 9, { retryMax: '30s' } as never), /option 'retryMax' must be a number, got '30s'/);
  });

  test('a value of the wrong kind names the kind, in the options and the positional form', () => {
    bad(() => new RotatingFileHandler(file(), { maxBytes: '10MB' } as never), /option 'maxBytes' must be an integer, got '10MB' \(string\)/);
    bad(() => new RotatingFileHandler(file(), 'a', '10MB' as never), /option 'maxBytes' must be an integer/);
    bad(() => new JsonFormatter({ time: 'unix' } as never), /option 'time' must be one of "iso", "epoch", "epochMillis", "asctime"/);
    bad(() => new Formatter({ style: '#' } as never), /option 'style' must be one of "%", "\{", "\$"/);
    bad(() => new StreamHandler('stdout' as never), /stream must be a writable stream .* got "stdout" \(pass process\.stdout\)/);
    bad(() => new FileHandler(42 as never), /filename must be a path string or a file: URL/);
  });

  test('valid options, null/undefined values and subclasses with options of their own are accepted', async () => {
    const h = new RotatingFileHandler(file(), { maxBytes: 100, backupCount: 2, encoding: null, delay: undefined });
    await h.close();
    class Tagged extends FileHandler {
      constructor(f: string, readonly tag: string) {
        super(f, { mode: 'a', tag } as never);
      }
    }
    await new Tagged(file(), 'x').close();
    new JsonFormatter({ fields: ['message'], rename: { message: 'msg' } });
  });

  test('dictConfig – an unknown top-level key no cfg:// reads is reported; cfg:// sections, $schema, _notes are not', async () => {
    const err = await captureStderr(() => dictConfig({ version: 1, handler: {}, $schema: 'x', _note: 'y', streams: { out: process.stderr }, handlers: { h: { class: 'logging.StreamHandler', stream: 'cfg://streams.out' } } } as never));
    assert.match(err, /unknown top-level key 'handler' ignored .*accepted: version, formatters, filters, handlers, loggers, root/);
    assert.doesNotMatch(err, /'streams'|'\$schema'|'_note'/);
  });

  test("keys Object.prototype has ('__proto__', 'toString', 'constructor') are unknown options, and an unreadable options object is a ConfigError (issue 14 review)", () => {
    bad(() => new JsonFormatter(JSON.parse('{"__proto__": {"x": 1}}') as never), /JsonFormatter: unknown option '__proto__'/);
    bad(() => new JsonFormatter({ toString: 'x' } as never), /JsonFormatter: unknown option 'toString'/);
    bad(() => new RotatingFileHandler(file(), { constructor: 1 } as never), /RotatingFileHandler: unknown option 'constructor'/);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    bad(() => new Formatter(proxy as never), /Formatter: the options object cannot be read/);
  });
});
