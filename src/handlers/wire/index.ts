/**
 * logflume/wire — the codecs behind SocketHandler, DatagramHandler and
 * LogRecordReceiver, for code that reads or writes those streams itself (a
 * custom receiver, a proxy, a replay tool). A stream frame is a 4-byte
 * big-endian length and a payload (Python's SocketHandler framing; an HMAC
 * key adds a MAC). The payload is a pickle of the record's dict (what CPython
 * sends), JSON, or logflume's compact binary frame; `decodePayload` detects
 * which. Decoders bound what untrusted input can cost (see PickleLimits and
 * DecodeOptions) and throw ProtocolError on bad input.
 */
export { ProtocolError } from './errors.js';
export { FrameDecoder, encodeFrame } from './frame.js';
export { pickleDumps, pickleLoads, type PlainValue, type PickleLimits } from './pickle.js';
export { decodePayload, encodePayload, recordToDict, sanitizeRecordDict, type WireFormat, type DecodeOptions } from './record-dict.js';
