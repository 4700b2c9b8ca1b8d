/**
 * Synchronous, lazy loading of the optional OpenTelemetry packages: nothing is
 * loaded until a feature that needs a package is first used, and a missing
 * package is a LoggingError naming what to install.
 */
import { createRequire } from 'node:module';
import { LoggingError } from '../errors.js';

const req = createRequire(import.meta.url);
const cache = new Map<string, unknown>();

/** `require(name)` from logflume's own location, with an install hint when it is not there. */
export function requireOptional<T>(name: string, feature: string): T {
  let mod = cache.get(name);
  if (mod !== undefined) return mod as T;
  try {
    mod = req(name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(name)) {
      throw new LoggingError(`${feature} needs the optional package ${name}: npm install ${name}`, 'ERR_LOGFLUME_MISSING_PACKAGE', { cause: e });
    }
    throw e;
  }
  cache.set(name, mod);
  return mod as T;
}
