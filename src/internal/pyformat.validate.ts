// logging.Formatter(validate=True) checks, reproduced with logging's own
// (regex-based, deliberately shallow) rules so that exactly the same format
// strings are accepted and the same messages come out.
import { scanPiece } from './pyformat.brace.js';
import { parseDollar } from './pyformat.dollar.js';
import { PyFormatError } from './pyformat.values.js';

// Python's \w and \d are Unicode-aware; its re.IGNORECASE also lets the
// conversion classes match İ, ı and ſ (case-equivalents of i and s).
const W = '[\\p{L}\\p{N}_]';
const D = '\\p{Nd}';
// Python's `$` also matches before a final newline.
const END = '\\n?$';
const PERCENT_FIELD = new RegExp(
  `%\\(${W}+\\)[#0+ \\-]*(?:\\*|${D}+)?(?:\\.(?:\\*|${D}+))?[diouxefgcrsaDIOUXEFGCRSA%\\u0130\\u0131\\u017f]`,
  'u',
);
const BRACE_FIELD = new RegExp(`^(?:${D}+|${W}+)(?:\\.${W}+|\\[[^\\]]+\\])*${END}`, 'u');
const BRACE_SPEC = new RegExp(
  `^(?:[^\\n]?[<>=^])?[+ \\-]?#?0?(?:${D}+|\\{${W}+\\})?[,_]?(?:\\.(?:${D}+|\\{${W}+\\}))?[bcdefgnosxBCDEFGNOSX%\\u017f]?${END}`,
  'u',
);

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's repr() of a str: logging's messages embed names and specs with %r. */
function pyQuote(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c !== 32 && NON_PRINTABLE.test(ch)) {
      out += c <= 0xff ? '\\x' + c.toString(16).padStart(2, '0') : c <= 0xffff ? '\\u' + c.toString(16).padStart(4, '0') : '\\U' + c.toString(16).padStart(8, '0');
    } else out += ch;
  }
  return out + q;
}

/** Python logging's `validate=True` check for each style: throws PyFormatError('ValueError', ...) with logging's messages, e.g. "Invalid format '%(asctime)' for '%' style" / "invalid field name/expression: ..." / "invalid format: no fields" / "invalid conversion: ..." — run python3 to get the exact texts for typical bad formats.
 *
 * An empty format passes, because logging replaces it with the style's
 * default format before validating. Like logging, this checks shape only: a
 * format that passes can still fail when rendered (e.g. '{0}').
 */
export function validateFormat(fmt: string, style: '%' | '{' | '$'): void {
  if (fmt === '') return;
  if (style === '%') {
    if (!PERCENT_FIELD.test(fmt)) throw new PyFormatError('ValueError', `Invalid format '${fmt}' for '%' style`);
    return;
  }
  if (style === '{') {
    let any = false;
    try {
      for (let i = 0; i < fmt.length; ) {
        const piece = scanPiece(fmt, i);
        i = piece.next;
        if (piece.field === null) break;
        const name = piece.field.nameText;
        const spec = piece.field.specText;
        const conv = piece.field.convCp < 0 ? null : String.fromCodePoint(piece.field.convCp);
        if (name !== '') {
          if (!BRACE_FIELD.test(name)) throw new Error(`invalid field name/expression: ${pyQuote(name)}`);
          any = true;
        }
        if (conv !== null && conv !== '' && !'rsa'.includes(conv)) throw new Error(`invalid conversion: ${pyQuote(conv)}`);
        if (spec !== '' && !BRACE_SPEC.test(spec)) throw new Error(`bad specifier: ${pyQuote(spec)}`);
      }
    } catch (e) {
      throw new PyFormatError('ValueError', `invalid format: ${(e as Error).message}`);
    }
    if (!any) throw new PyFormatError('ValueError', 'invalid format: no fields');
    return;
  }
  let any = false;
  for (const it of parseDollar(fmt)) {
    if (typeof it === 'string') continue;
    if ('name' in it) any = true;
    else throw new PyFormatError('ValueError', "invalid format: bare '$' not allowed");
  }
  if (!any) throw new PyFormatError('ValueError', 'invalid format: no fields');
}
