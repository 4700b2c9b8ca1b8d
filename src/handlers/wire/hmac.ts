/**
 * Optional HMAC-SHA256 signing of frames with a key shared by sender and
 * receiver. A signed frame is `u32be length | 32-byte tag | payload`, the
 * length covering tag and payload; the tag is HMAC-SHA256(key, payload).
 * It authenticates senders; it does not encrypt and does not stop replay.
 */
import { nodeCrypto } from '../../internal/lazy-builtins.js';
import { ProtocolError } from './errors.js';

/** Bytes of the tag that precedes a signed payload. */
export const TAG_BYTES = 32;

/** A shared key as given in options: bytes or a string (UTF-8). */
export type HmacKey = string | Uint8Array;

/** Normalise a key; an empty key is a configuration mistake, so it is refused. */
export function toKey(key: HmacKey): Buffer {
  const k = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
  if (k.length === 0) throw new TypeError('hmacKey must not be empty');
  return k;
}

/** The tag for `payload`. */
export function sign(key: Buffer, payload: Uint8Array): Buffer {
  return nodeCrypto().createHmac('sha256', key).update(payload).digest();
}

/** Split `tag | payload` and check the tag in constant time; returns the payload. */
export function verify(key: Buffer, signed: Buffer): Buffer {
  if (signed.length < TAG_BYTES) throw new ProtocolError('hmac: frame shorter than its tag');
  const tag = signed.subarray(0, TAG_BYTES);
  const payload = signed.subarray(TAG_BYTES);
  if (!nodeCrypto().timingSafeEqual(tag, sign(key, payload))) throw new ProtocolError('hmac: bad signature');
  return payload;
}
