/**
 * Loading a dictConfig from a file: JSON (`.json`) or YAML (`.yaml`, `.yml`,
 * through the optional `yaml` package), and the `LOGFLUME_CONFIG`
 * environment convention for applications.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { ConfigError } from '../errors.js';
import type { DictConfig } from './schema.js';
import { iniToDictConfig } from './ini-config.js';

const require = createRequire(import.meta.url);

/** Name of the environment variable that points at an application's logging config file. */
export const CONFIG_ENV_VAR = 'LOGFLUME_CONFIG';

/** Extensions read as Python's INI `fileConfig` format. */
export const INI_EXTENSIONS = ['.ini', '.cfg', '.conf'];

/**
 * Read and parse a config file, choosing the parser by extension: `.json`,
 * `.yaml`/`.yml` (needs the optional `yaml` package), or Python's INI
 * `fileConfig` format (`.ini`, `.cfg`, `.conf`, translated to a dictConfig). Does not apply it.
 *
 * @throws ConfigError naming the file for unreadable files, parse errors or other extensions.
 */
export async function loadConfigFile(file: string): Promise<DictConfig> {
  const ext = path.extname(file).toLowerCase();
  if (!['.json', '.yaml', '.yml', ...INI_EXTENSIONS].includes(ext)) {
    throw new ConfigError(`${file}: unsupported config file type '${ext || '(none)'}' (use .json, .yaml, .yml, or Python's fileConfig format as .ini, .cfg or .conf)`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read logging config ${file}: ${(e as Error).message}`, { cause: e });
  }
  let data: unknown;
  if (INI_EXTENSIONS.includes(ext)) {
    data = iniToDictConfig(text, { source: file });
  } else if (ext === '.json') {
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`${file}: invalid JSON: ${(e as Error).message}`, { cause: e });
    }
  } else {
    const YAML = loadYaml();
    try {
      data = YAML.parse(text, { prettyErrors: true });
    } catch (e) {
      throw new ConfigError(`${file}: invalid YAML: ${(e as Error).message}`, { cause: e });
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`${file}: expected a mapping at the top level`);
  }
  return data as DictConfig;
}

function loadYaml(): { parse(text: string, opts?: object): unknown } {
  try {
    return require('yaml') as { parse(text: string, opts?: object): unknown };
  } catch (e) {
    throw new ConfigError('YAML config files need the "yaml" package: npm install yaml', { cause: e, code: 'ERR_LOGFLUME_MISSING_DEPENDENCY' });
  }
}
