// LogTape with a stream sink on a file (text formatter).
import { configure, getLogger, getStreamSink, dispose } from '@logtape/logtape';
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { now, report, disabledNs } from './common.mjs';
const [file, nArg] = process.argv.slice(2);
const n = Number(nArg);
await configure({
  sinks: { file: getStreamSink(Writable.toWeb(createWriteStream(file))) },
  loggers: [
    { category: ['app', 'http'], lowestLevel: 'info', sinks: ['file'] },
    { category: ['logtape', 'meta'], lowestLevel: 'warning', sinks: [] },
  ],
});
const log = getLogger(['app', 'http']);
const t0 = now();
for (let i = 0; i < n; i++) log.info('request handled {i}', { i });
const t1 = now();
await dispose();
const t2 = now();
report(n, t0, t1, t2, { disabledNs: disabledNs((i) => log.debug('request handled {i}', { i })) });
