// What a time zone is to localtime: a lookup of the period (offset, DST flag,
// abbreviation) containing a UTC second.

/** A span [start, end) of UTC seconds over which offset, DST flag and abbreviation hold. */
export interface Period {
  start: number;
  end: number;
  off: number;
  isdst: number;
  abbr: string;
}

export interface Zone {
  /** The period containing integer UTC second `t`. */
  periodAt(t: number): Period;
  /** glibc's tzname[0..1] (standard, DST). */
  readonly tzname: readonly [string, string];
}

export interface LocalType {
  off: number;
  isdst: number;
  abbr: string;
  isstd: boolean;
  isut: boolean;
}
