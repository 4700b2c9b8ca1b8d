import type { LogRecord } from '../../log-record.js';
import { encodeCompactFrame } from './compact-record.js';
import { encodeRecordJsonFrame } from './json-record.js';
import { encodeRecordFrame, recordToDict, type WireFormat } from './record-dict.js';
import { recordMessage } from '../../record-message.js';

/**
 * A handler's record as one frame in `format` (what SocketHandler and
 * DatagramHandler send from `makePickle`): `msg` merged, `args` and `exc_info`
 * cleared, `exc_text` filled by `formatException` (the handler's `format()`).
 */
export function encodeLogRecordFrame(record: LogRecord, format: WireFormat, key: Buffer | null, formatException: (r: LogRecord) => void): Buffer {
  if (format === 'compact') {
    if (record.exc_info !== null && record.exc_info !== undefined && record.exc_info !== false) formatException(record);
    // A record of unusual shape goes as the JSON object payload (the receiver tells them apart).
    return encodeCompactFrame(record, recordMessage(record), key) ?? encodeRecordJsonFrame(record, undefined, key);
  }
  if (format === 'json') return encodeRecordJsonFrame(record, formatException, key);
  return encodeRecordFrame(recordToDict(record, formatException), format, key);
}
