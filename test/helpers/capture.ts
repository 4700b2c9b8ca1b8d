import { Writable } from 'node:stream';
import { snapshotLoggingState } from '../../src/testing/logging-state.js';
import { beforeEach, afterEach } from 'node:test';
import { diagnostics } from '../../src/internal/report.js';

/** A Writable that keeps what was written, for asserting on handler output. */
export class MemoryStream extends Writable {
  chunks: string[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.chunks.push(String(chunk));
    cb();
  }
  get text(): string {
    return this.chunks.join('');
  }
  get lines(): string[] {
    return this.text.split('\n').filter((l) => l.length > 0);
  }
}

/** Plain object stream, as Python's io.StringIO. */
export class StringIO {
  value = '';
  write(s: string): void {
    this.value += s;
  }
}

/** Restore global logging state around every test in the file. */
export function isolateLogging(): void {
  let restore: (() => void) | null = null;
  beforeEach(() => {
    restore = snapshotLoggingState();
  });
  afterEach(() => {
    restore?.();
  });
}

/** Capture what handleError/lastResort-style diagnostics print to fd 2 while `fn` runs. */
export async function captureStderr(fn: () => unknown): Promise<string> {
  const orig = diagnostics.write;
  let out = '';
  diagnostics.write = (text: string) => {
    out += text;
  };
  try {
    await fn();
  } finally {
    diagnostics.write = orig;
  }
  return out;
}
