// The process zone (resolved from TZ as glibc's tzset does) and time.localtime / time.gmtime.
import { readFileSync, statSync } from 'node:fs';
import { type CTm, type StructTime, fillFields, newCTm, toStruct, toTimeT } from './civil.js';
import { IntlZone } from './intl-zone.js';
import { PosixZone, parsePosixTz } from './posix-tz.js';
import { type TzifData, TzifZone, parseTzif, tzfileDefault } from './tzif.js';
import type { Zone } from './zone.js';

const UTC_ZONE: Zone = {
  tzname: ['UTC', 'UTC'],
  periodAt: () => ({ start: -Infinity, end: Infinity, off: 0, isdst: 0, abbr: 'UTC' }),
};

function readTzifFile(path: string): TzifData | null {
  try {
    return parseTzif(readFileSync(path));
  } catch {
    return null;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Resolve the process TZ the way glibc's tzset does. */
function resolveZone(): Zone {
  const env = process.env;
  const dir = env['TZDIR'] || '/usr/share/zoneinfo';
  let tz = env['TZ'];
  if (tz === '') tz = 'Universal';
  if (tz !== undefined && tz.startsWith(':')) tz = tz.slice(1);
  const unset = tz === undefined;
  const name = tz ?? '/etc/localtime';
  const hasZoneinfo = isDir(dir);
  if (name !== '') {
    const data = readTzifFile(name.startsWith('/') ? name : `${dir}/${name}`);
    if (data) return new TzifZone(data);
  }
  if (!hasZoneinfo) {
    // Not a glibc-style system: trust the zone Node resolved.
    try {
      return new IntlZone(unset ? undefined : name || 'UTC');
    } catch {
      try {
        return new IntlZone();
      } catch {
        return UTC_ZONE;
      }
    }
  }
  if (unset || name === '' || name === '/etc/localtime') return UTC_ZONE;
  const parsed = parsePosixTz(name, true);
  if ('needDefault' in parsed) {
    return tzfileDefault(parsed.needDefault, readTzifFile(`${dir}/posixrules`)) ?? new PosixZone(parsed.fallback);
  }
  return new PosixZone(parsed);
}

export let zone: Zone | null = null;
/** Bumped by tzset(): caches of local-time text compare it (a live binding for importers). */
export let zoneGeneration = 0;

export function localZone(): Zone {
  return (zone ??= resolveZone());
}

/** time.tzset(): re-read TZ (the zone is otherwise resolved once, on first use, like Python at start-up). */
export function tzset(): void {
  zone = null;
  zoneGeneration++;
}


const scratch = newCTm();

export function localInto(out: CTm, t: number): void {
  const p = localZone().periodAt(t);
  fillFields(out, t + p.off);
  out.isdst = p.isdst;
  out.gmtoff = p.off;
  out.zone = p.abbr;
}

/** time.localtime(secs): local time per the process TZ (the TZ env var as Node sees it). secs is float seconds since the epoch (fraction ignored, floor toward -inf as Python). */
export function localtime(secs: number): StructTime {
  localInto(scratch, toTimeT(secs));
  return toStruct(scratch);
}

/** time.gmtime(secs): UTC broken-down time (tm_zone "GMT" as glibc sets it, tm_gmtoff 0, tm_isdst 0), floor toward -inf as Python. */
export function gmtime(secs: number): StructTime {
  fillFields(scratch, toTimeT(secs));
  scratch.isdst = 0;
  scratch.gmtoff = 0;
  scratch.zone = 'GMT';
  return toStruct(scratch);
}
