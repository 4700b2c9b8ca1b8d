import type { Logger } from './logger.js';

/**
 * Stands in the hierarchy for a logger name that has children but has not
 * been asked for itself yet, so the children can be re-parented when it is
 * (Python's `logging.PlaceHolder`).
 */
export class PlaceHolder {
  /** Loggers waiting for this name to become a real logger. */
  readonly loggerMap = new Set<Logger>();
  constructor(alogger: Logger) {
    this.loggerMap.add(alogger);
  }
  /** Add a waiting logger. */
  append(alogger: Logger): void {
    this.loggerMap.add(alogger);
  }
}
