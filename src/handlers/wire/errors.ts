import { LoggingError } from '../../errors.js';

/**
 * A frame or payload that the wire format does not allow: wrong length, a
 * forbidden pickle opcode, bad JSON, a failed signature. A receiver closes the
 * connection that sent it; nothing in it is executed.
 */
export class ProtocolError extends LoggingError {
  constructor(message: string) {
    super(message, 'ERR_LOGFLUME_PROTOCOL');
    this.name = 'ProtocolError';
  }
}
