/**
 * Ready-made message patterns for Redactor / RedactingFilter (`patterns`).
 * Each is a global RegExp and a replacement; names work from dictConfig
 * (`patterns: ['creditCard', 'bearerToken']`).
 */

/** A text pattern: every match of `pattern` is replaced (a string with `$1`… or a function, as String.replace takes). */
export interface MessagePattern {
  pattern: RegExp;
  replacement?: string | ((match: string, ...groups: unknown[]) => string);
}

/** True when the digits of `s` pass the Luhn check card numbers carry (so order ids and timestamps are left alone). */
function luhn(s: string): boolean {
  let sum = 0;
  let dbl = false;
  let count = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    count++;
    let d = c;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return count >= 13 && count <= 19 && sum % 10 === 0;
}

/** The built-in patterns by name. */
export const redactionPatterns: Readonly<Record<string, MessagePattern>> = Object.freeze({
  /** Payment card numbers (13–19 digits, spaces or dashes allowed) that pass the Luhn check. */
  creditCard: { pattern: /\b\d(?:[ -]?\d){12,18}\b/g, replacement: (m: string) => (luhn(m) ? '[Redacted card]' : m) },
  /** `Bearer xxx` / `Basic xxx` credentials, e.g. a logged Authorization header. */
  bearerToken: { pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, replacement: '$1 [Redacted]' },
  /** JSON Web Tokens (three base64url parts, the first starting with `eyJ`). */
  jwt: { pattern: /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, replacement: '[Redacted JWT]' },
  /** E-mail addresses. */
  email: { pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, replacement: '[Redacted email]' },
});

/** One pattern from what options or dictConfig give: a name, a RegExp, a regex source string, or `{ pattern, replacement, flags }`. */
export function toMessagePattern(p: unknown, where: string): MessagePattern {
  if (typeof p === 'string') {
    const named = redactionPatterns[p];
    if (named !== undefined) return named;
    return { pattern: globalRegExp(p, '', where), replacement: '[Redacted]' };
  }
  if (p instanceof RegExp) return { pattern: globalRegExp(p.source, p.flags, where), replacement: '[Redacted]' };
  if (typeof p === 'object' && p !== null && 'pattern' in p) {
    const o = p as { pattern: unknown; replacement?: unknown; flags?: unknown };
    const src = o.pattern instanceof RegExp ? o.pattern.source : String(o.pattern);
    const flags = o.pattern instanceof RegExp ? o.pattern.flags : typeof o.flags === 'string' ? o.flags : '';
    const r = o.replacement;
    if (r !== undefined && typeof r !== 'string' && typeof r !== 'function') throw new TypeError(`${where}.replacement must be a string or a function`);
    return { pattern: globalRegExp(src, flags, where), replacement: (r as MessagePattern['replacement']) ?? '[Redacted]' };
  }
  throw new TypeError(`${where} must be a pattern name (${Object.keys(redactionPatterns).join(', ')}), a RegExp, a regex string or { pattern, replacement }`);
}

function globalRegExp(source: string, flags: string, where: string): RegExp {
  try {
    return new RegExp(source, flags.includes('g') ? flags : flags + 'g');
  } catch (e) {
    throw new TypeError(`${where}: invalid regular expression ${JSON.stringify(source)} (${(e as Error).message})`, { cause: e });
  }
}
