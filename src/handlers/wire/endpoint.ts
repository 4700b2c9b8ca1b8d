import { ConfigError } from '../../errors.js';
import { WIRE_FORMATS, type WireFormat } from './record-dict.js';

/**
 * The constructor checks SocketHandler and DatagramHandler share: a host (or a
 * socket path when port is null), a port, and a wire format. Returns the format.
 */
export function checkEndpoint(cls: string, host: unknown, port: unknown, format: unknown = 'json'): WireFormat {
  if (typeof host !== 'string' || host === '') throw new ConfigError(`${cls}: host must be a non-empty string (a socket path when port is null)`);
  if (port !== null && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new ConfigError(`${cls}: port must be an integer 0–65535 or null, got ${String(port)}`);
  }
  if (!WIRE_FORMATS.includes(format as WireFormat)) throw new ConfigError(`${cls}: format must be 'compact', 'json' or 'pickle', got ${String(format)}`);
  return format as WireFormat;
}
