/**
 * logflume/config — Python's `logging.config`: dictConfig with Python's schema,
 * from objects, JSON and YAML files. Loading this module also loads
 * `logflume/handlers`, so the synchronous dictConfig knows every handler class
 * by its Python name. (The registry is imported first, so handler modules may
 * call `registerClass` while they load.)
 */
import { setHandlersNamespace } from './class-registry.js';
import * as handlersNamespace from '../handlers/index.js';

setHandlersNamespace(handlersNamespace as unknown as Record<string, unknown>);

export { dictConfig, dictConfigAsync, buildHandlers, configureFromFile, configureFromEnv, fileConfig, dictConfigClass } from './dict-config.js';
export { loadConfigFile, CONFIG_ENV_VAR, INI_EXTENSIONS } from './config-file.js';
export { iniToDictConfig, parseIni, parsePythonLiteral } from './ini-config.js';
export { DictConfigurator, type BuiltConfig } from './dict-configurator.js';
export { BaseConfigurator, type ConfiguratorOptions, type Importer } from './base-configurator.js';
export {
  registerClass,
  unregisterClass,
  lookupClass,
  pyArgs,
  type ArgsMapper,
  type MapContext,
  type ParamSpec,
  type ParamType,
  type ClassEntry,
} from './class-registry.js';
export type { DictConfig, FormatterDict, FilterDict, HandlerDict, LoggerDict, ConfigLevel, FactoryRef } from './schema.js';
