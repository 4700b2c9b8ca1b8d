/**
 * Messages between a WorkerQueueListener and its worker, keyed by `code`
 * (thread-stream's shape). Records never travel as messages: they go through
 * the shared rings; messages carry control only.
 */
import type { HandlerSpec } from './specs.js';

/** workerData given to the worker at start. */
export interface WorkerInit {
  control: SharedArrayBuffer;
  rings: { id: number; sab: SharedArrayBuffer }[];
  specs: HandlerSpec[];
  respectHandlerLevel: boolean;
}

/** Main thread → worker. */
export type ToWorker =
  | { code: 'ADD_RING'; id: number; sab: SharedArrayBuffer }
  | { code: 'FLUSH'; id: number };

/** Worker → main thread. */
export type FromWorker =
  | { code: 'READY'; handlers: number }
  | { code: 'ERROR'; fatal: boolean; message: string; stack?: string }
  | { code: 'FLUSHED'; id: number }
  | { code: 'STOPPED'; handled: number };
