/**
 * logflume/testing — helpers for the tests of code that logs: capture what a
 * logger emits (Python's `unittest` `assertLogs` / `assertNoLogs`) and put
 * logging's global state back between tests. No test framework is assumed.
 */
export {
  captureLogs,
  assertLogs,
  assertNoLogs,
  resetLogging,
  snapshotLogging,
  markLoggingBaseline,
  CapturingHandler,
  CAPTURE_CAPACITY,
  type LogCapture,
} from './log-capture.js';
