import { Logger } from './logger.js';
import { WARNING, type Level } from './levels.js';

/** The logger at the top of the tree, named 'root', WARNING by default (Python's `RootLogger`). */
export class RootLogger extends Logger {
  constructor(level: Level = WARNING) {
    super('root', level);
  }
}
