/**
 * Errors that name the key path of the offending config value
 * (`handlers.file.maxBytes: expected an integer, got "ten"`).
 */
import { ConfigError } from '../errors.js';

/** A ConfigError that also carries the dotted key path it is about. */
export type KeyPathError = ConfigError & { path?: string };

/** A ConfigError whose message starts with `path: `; `path` is kept on the error too. */
export function keyError(path: string, message: string, cause?: unknown): KeyPathError {
  const err = new ConfigError(path ? `${path}: ${message}` : message, cause === undefined ? undefined : { cause }) as KeyPathError;
  err.path = path;
  return err;
}

/** Append a key to a dotted path, bracketing keys that are not identifiers (logger names with dots). */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Python's `%r` of a name in the messages Python words the same (`Unable to add handler 'h'`); other values as {@link describe}. */
export function quoted(value: unknown): string {
  if (typeof value !== 'string') return describe(value);
  const q = value.includes("'") && !value.includes('"') ? '"' : "'";
  const body = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return q + (q === "'" ? body.replace(/'/g, "\\'") : body) + q;
}

/** Short description of a value for messages: strings quoted, objects by class name. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return String(value);
}
