/**
 * Python encoding names and `errors` policies mapped onto Node's encoders.
 * Node silently mangles characters an encoding cannot hold; Python raises
 * (strict) or substitutes. The policies are applied only for the narrow
 * encodings, where they matter; utf-8 output replaces lone surrogates with
 * U+FFFD (Python's 'strict' would raise — documented difference).
 */
const ALIASES: Record<string, BufferEncoding> = {
  'utf-8': 'utf8', utf8: 'utf8', 'utf_8': 'utf8', u8: 'utf8',
  ascii: 'ascii', 'us-ascii': 'ascii',
  'latin-1': 'latin1', latin1: 'latin1', 'latin_1': 'latin1', 'iso-8859-1': 'latin1', 'iso8859-1': 'latin1',
  'utf-16-le': 'utf16le', 'utf-16le': 'utf16le', 'utf_16_le': 'utf16le', utf16le: 'utf16le', ucs2: 'ucs2',
};

/** Node's name for a Python or Node encoding name; throws for one Node cannot write. */
export function toNodeEncoding(name: string | null | undefined): BufferEncoding {
  if (name === null || name === undefined) return 'utf8';
  const enc = ALIASES[name.toLowerCase()];
  if (enc) return enc;
  if (Buffer.isEncoding(name)) return name as BufferEncoding;
  throw Object.assign(new Error(`unknown encoding: ${name}`), { code: 'ERR_LOGFLUME_ENCODING' });
}

export type ErrorsPolicy = 'strict' | 'ignore' | 'replace' | 'backslashreplace' | 'xmlcharrefreplace' | 'namereplace';

/** Apply Python's `errors` policy for an encoding that holds code points below `limit`. */
export function applyErrors(text: string, encoding: BufferEncoding, errors: string | null): string {
  const limit = encoding === 'ascii' ? 0x80 : encoding === 'latin1' || encoding === 'binary' ? 0x100 : 0;
  if (limit === 0) return text;
  let i = 0;
  for (; i < text.length; i++) if (text.charCodeAt(i) >= limit) break;
  if (i === text.length) return text;
  let out = text.slice(0, i);
  for (const ch of text.slice(i)) {
    const cp = ch.codePointAt(0)!;
    if (cp < limit) {
      out += ch;
      continue;
    }
    switch (errors ?? 'strict') {
      case 'ignore':
        break;
      case 'replace':
        out += '?';
        break;
      case 'backslashreplace':
      case 'namereplace':
        out += cp <= 0xff ? '\\x' + hex(cp, 2) : cp <= 0xffff ? '\\u' + hex(cp, 4) : '\\U' + hex(cp, 8);
        break;
      case 'xmlcharrefreplace':
        out += `&#${cp};`;
        break;
      default: {
        const pos = out.length;
        throw Object.assign(
          new Error(`'${encoding}' codec can't encode character '\\u${hex(cp, 4)}' in position ${pos}: ordinal not in range(${limit})`),
          { code: 'ERR_LOGFLUME_ENCODE' },
        );
      }
    }
  }
  return out;
}

function hex(n: number, w: number): string {
  return n.toString(16).padStart(w, '0');
}
