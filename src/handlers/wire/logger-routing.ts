/**
 * Which local logger a received record goes to, with a bound on the loggers
 * the network may create: every new name makes a Logger and a placeholder per
 * dotted prefix that live as long as the process, so a sender naming records
 * `n0.x.x.x…` could otherwise grow the receiver's memory without limit.
 */
import { Logger } from '../../logger.js';
import { getLogger } from '../../api.js';

/** Limits on the loggers a receiver creates for names it receives. */
export interface LoggerNameLimits {
  /** Most loggers created from received names (default 1000). */
  maxLoggers: number;
  /** Most dots in a name that gets its own logger (default 16). */
  maxDepth: number;
  /** Longest name that gets its own logger, UTF-16 units (default 256). */
  maxLength: number;
}

/** Why a received name did not get a logger of its own, or null when it did. */
export type RefusedName = null | 'maxLoggers' | 'maxLoggerDepth' | 'maxLoggerNameLength';

/**
 * Resolves received logger names: an existing logger is used as it is; a new
 * name gets its logger while the limits allow; past them the record goes to
 * the nearest existing ancestor logger (the one its own logger would have
 * propagated to, so its handlers still see it) and the refusal is returned
 * for the caller to count and report.
 */
export class LoggerRouter {
  readonly limits: LoggerNameLimits;
  /** Loggers created for received names so far. */
  created = 0;
  /** Why the last `resolve` did not create the logger (null: it did, or it existed). */
  refused: RefusedName = null;

  constructor(limits: LoggerNameLimits) {
    this.limits = limits;
  }

  /** The logger for a received `name`; sets `refused` when the name was routed to an ancestor. */
  resolve(name: string): Logger {
    this.refused = null;
    if (name === '' || name === 'root') return getLogger(name);
    const dict = Logger.manager.loggerDict;
    const existing = dict.get(name);
    if (existing instanceof Logger) return existing;
    const why = this.#check(name);
    if (why === null) {
      this.created++;
      return getLogger(name);
    }
    this.refused = why;
    return nearestAncestor(name);
  }

  #check(name: string): RefusedName {
    const l = this.limits;
    if (name.length > l.maxLength) return 'maxLoggerNameLength';
    let dots = 0;
    for (let i = name.indexOf('.'); i >= 0; i = name.indexOf('.', i + 1)) if (++dots > l.maxDepth) return 'maxLoggerDepth';
    if (this.created >= l.maxLoggers) return 'maxLoggers';
    return null;
  }
}

/**
 * The deepest existing logger whose name is a dotted prefix of `name` (else
 * the root). Walks from the left and stops at the first prefix the manager has
 * never seen: every logger registers all its prefixes, so no longer one exists
 * then. The cost is bounded by the names already there, not by `name`.
 */
export function nearestAncestor(name: string): Logger {
  const dict = Logger.manager.loggerDict;
  let best: Logger = getLogger();
  for (let i = name.indexOf('.'); i > 0; i = name.indexOf('.', i + 1)) {
    const e = dict.get(name.slice(0, i));
    if (e === undefined) break;
    if (e instanceof Logger) best = e;
  }
  return best;
}
