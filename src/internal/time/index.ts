/**
 * Python's `time.localtime` / `time.gmtime` / `time.strftime`, as CPython 3.11 on Linux
 * (glibc) behaves, for logging's `Formatter.formatTime`.
 *
 * Why this shape:
 * - `Formatter.formatTime` runs for every record that uses `%(asctime)s`, so a pattern is
 *   compiled once into a render function (`compileStrftime`) and local time is resolved
 *   through a cached "period" (the span of time over which the UTC offset, DST flag and
 *   abbreviation are constant), so a conversion is a range check plus calendar arithmetic.
 * - Local time follows the process `TZ` the way glibc (and so Python) does: the TZif file
 *   from the system zoneinfo directory (`/usr/share/zoneinfo`, or `$TZDIR`), its POSIX
 *   footer rule for times after the last transition, a POSIX TZ string when no file
 *   matches, and `posixrules` for a POSIX string without rules. Reading the same files as
 *   glibc gives the same `tm_zone` ("CET", "IST", "+1030", "LMT"), `tm_isdst` and
 *   `tm_gmtoff` as Python, which `Intl` cannot: `Intl.DateTimeFormat` short names are
 *   CLDR names and many zones only get "GMT+1" / "GMT+5:30" (Europe/Berlin, Asia/Kolkata,
 *   Australia/Lord_Howe, Europe/London in summer), and `Intl` has no DST flag.
 * - Only where there is no zoneinfo directory (Windows, minimal containers) does local
 *   time fall back to `Intl` with the zone Node resolved; see IntlZone in intl-zone.ts for the
 *   differences that brings.
 * - `strftime` reproduces glibc's `wcsftime` in the C locale (CPython uses `wcsftime`,
 *   and never sets LC_TIME), including its flags (`_ - 0 ^ #`), field widths, `E`/`O`
 *   modifiers, the text it emits for unknown directives, `%s` computed through a
 *   re-implementation of glibc's `mktime`, and CPython's own checks (field ranges,
 *   "embedded null character", and the empty result when the output outgrows
 *   CPython's buffer).
 *
 * Known, deliberate differences from Python (none of which plain logging use reaches):
 * - Leap-second ("right/") zone files: the leap-second table is ignored.
 * - `%Z` for a struct whose `tm_zone` is "" uses the zone's standard/DST names; glibc
 *   uses `tzname`, which depends on the most recent localtime call.
 * - `Intl` fallback (no zoneinfo directory): see IntlZone in intl-zone.ts.
 * - Case mapping of non-ASCII text under `%^` uses JavaScript's per-code-point mapping
 *   (one code point to one), not glibc's tables.
 *
 * Files: civil.ts (calendar arithmetic, struct tm), zone.ts (the zone interface),
 * posix-tz.ts (POSIX TZ strings), tzif.ts (TZif files), intl-zone.ts (the Intl
 * fallback), local-time.ts (tzset, localtime, gmtime), mktime.ts, strftime.ts.
 */
export type { StructTime, Converter } from './civil.js';
export { localtime, gmtime, tzset, zoneGeneration } from './local-time.js';
export { strftime, compileStrftime, makeTimeFormatter, DEFAULT_TIME_FORMAT } from './strftime.js';
