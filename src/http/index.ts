/**
 * `logflume/http`: HTTP request logging for node:http, Express and Fastify.
 * Loaded only when imported; it imports no framework (they are your
 * dependencies, not logflume's).
 */
export { RequestLogger, type RequestLoggerOptions, type HttpRequestLike, type HttpResponseLike, type FastifyLike, type FastifyPluginLike } from './request-logger.js';
export { FastifyLogger } from './fastify-logger.js';
export { requestIdOf } from './request-id.js';
export { serializeRequest, serializeResponse, type HttpSerializerOptions } from '../internal/http-serialize.js';
import { RequestLogger, type RequestLoggerOptions } from './request-logger.js';

/** Express / connect middleware logging one record per request (`app.use(requestLogger())`). */
export function requestLogger(options?: RequestLoggerOptions): ReturnType<RequestLogger['middleware']> {
  return new RequestLogger(options).middleware();
}
