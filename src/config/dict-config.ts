/**
 * The module-level entry points of `logflume/config` (Python's
 * `logging.config.dictConfig` and friends).
 */
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { iniToDictConfig } from './ini-config.js';
import { Handler } from '../handler.js';
import { DictConfigurator, startListeners, type BuiltConfig } from './dict-configurator.js';
import { loadHandlersModule } from './class-registry.js';
import { loadConfigFile, CONFIG_ENV_VAR } from './config-file.js';
import type { ConfiguratorOptions } from './base-configurator.js';
import type { DictConfig, FormatterDict, FilterDict, HandlerDict } from './schema.js';
import { ConfigError } from '../errors.js';

/** The configurator class dictConfig uses (Python's `logging.config.dictConfigClass`): set `dictConfigClass.current` to a DictConfigurator subclass to customise (an ES module binding cannot be reassigned, hence the holder). */
export const dictConfigClass: { current: typeof DictConfigurator } = { current: DictConfigurator };

/**
 * Configure logging from a dictionary in Python's schema. Synchronous: class
 * names must be registered (every core and `logflume/handlers` class is) and
 * no module can be imported; use {@link dictConfigAsync} for
 * `'./module.js:Export'` names. The whole config is checked and every object
 * built before any logger changes; the replaced handlers are then flushed and
 * closed in the background.
 *
 * @example dictConfig({ version: 1, handlers: { console: { class: 'logging.StreamHandler' } }, root: { level: 'INFO', handlers: ['console'] } })
 * @throws ConfigError naming the key path (`Unable to configure handler 'file': handlers.file.maxBytes: expected an integer, got "ten"`).
 */
export function dictConfig(config: DictConfig, options?: ConfiguratorOptions): void {
  void new dictConfigClass.current(config as Record<string, unknown>, options).configure();
}

/**
 * dictConfig that may import modules named as `'specifier:export'` (relative
 * to `options.baseDir`) and resolves once the replaced handlers have been
 * flushed and closed.
 */
export async function dictConfigAsync(config: DictConfig, options?: ConfiguratorOptions): Promise<void> {
  await loadHandlersModule();
  const c = new dictConfigClass.current(config as Record<string, unknown>, options);
  await c.preload();
  await c.configure();
}

/**
 * Build the named handlers (with their formatters and filters) of a
 * dictConfig-shaped object without touching any logger: for code that
 * attaches handlers itself, such as the off-thread QueueListener's worker.
 * Listeners of QueueHandler-form entries are started.
 */
export async function buildHandlers(
  config: { formatters?: Record<string, FormatterDict>; filters?: Record<string, FilterDict>; handlers: Record<string, HandlerDict>; [k: string]: unknown },
  options?: ConfiguratorOptions,
): Promise<Record<string, Handler>> {
  await loadHandlersModule();
  const c = new dictConfigClass.current({ ...config, version: 1 }, options);
  await c.preload();
  const built: BuiltConfig = c.build();
  const out: Record<string, Handler> = {};
  for (const [name, h] of built.handlers) {
    h.name = name;
    out[name] = h;
  }
  await startListeners(built.listeners);
  return out;
}

/**
 * Python's `fileConfig` for logflume: load a JSON or YAML dictConfig file and
 * apply it. Relative module names in the file resolve against its directory.
 */
export async function configureFromFile(file: string, options?: ConfiguratorOptions): Promise<void> {
  const config = await loadConfigFile(file);
  await dictConfigAsync(config, { baseDir: path.dirname(path.resolve(file)), ...options });
}

/**
 * The application convention: if `LOGFLUME_CONFIG` names a file, configure
 * from it and resolve true; otherwise resolve false (and, when `fallback` is
 * given, apply that dictConfig instead).
 *
 * @example await configureFromEnv({ version: 1, root: { level: 'INFO', handlers: ['console'] }, handlers: { console: { class: 'logging.StreamHandler' } } })
 */
export async function configureFromEnv(fallback?: DictConfig, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = env[CONFIG_ENV_VAR];
  if (file) {
    try {
      await configureFromFile(file);
    } catch (e) {
      throw new ConfigError(`${CONFIG_ENV_VAR}=${file}: ${(e as Error).message}`, { cause: e });
    }
    return true;
  }
  if (fallback) await dictConfigAsync(fallback);
  return false;
}

/**
 * Python's `fileConfig(fname, defaults, disable_existing_loggers)` for an INI
 * file in Python's format, synchronous as in Python (so class names must be
 * registered). Handler `args`/`kwargs` must be Python literals or dotted names.
 *
 * @example fileConfig('logging.ini', { logdir: '/var/log/myapp' })
 */
export function fileConfig(fname: string, defaults?: Record<string, string>, disable_existing_loggers = true): void {
  let text: string;
  try {
    text = readFileSync(fname, 'utf8');
  } catch (e) {
    throw new ConfigError(`${fname} doesn't exist or cannot be read: ${(e as Error).message}`, { cause: e });
  }
  if (text.trim() === '') throw new ConfigError(`${fname} is an empty file`);
  dictConfig(iniToDictConfig(text, { defaults, disable_existing_loggers, source: fname }));
}
