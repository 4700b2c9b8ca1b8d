import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeZlib } from '../internal/lazy-builtins.js';
import { pipeline } from 'node:stream/promises';
import { addExitHook } from '../internal/registry.js';
import type { Namer, Rotator } from './base-rotating-handler.js';

/** Options of {@link GzipRotator}. */
export interface GzipRotatorOptions {
  /** zlib compression level 0–9 (default zlib's 6). */
  level?: number;
  /**
   * Compressions allowed to run in the background at once (default 4). The
   * overflow policy: a rotation beyond it compresses synchronously in
   * `emit()` (bounded work, no unbounded backlog), counted in `syncCompressions`.
   */
  maxPending?: number;
}

interface Job {
  pendingPath: string;
  destFd: number;
  done: boolean;
}

let seq = 0;
const liveJobs = new Set<Job>();
let exitHookAdded = false;

/**
 * A ready `namer`/`rotator` pair that gzips rotated files (Python's cookbook
 * recipe, made non-blocking). The rotator works in two steps:
 *
 * 1. synchronously, inside `doRollover()`: create `dest` (so the handler's
 *    renames and retention see it at once — renaming or deleting it later is
 *    safe, the compressor writes through its descriptor) and rename the source
 *    to a hidden `.<dest>.<pid>.<n>.pending` file, freeing the base name;
 * 2. in the background: stream the pending file through zlib (on libuv's
 *    thread pool, so logging carries on) into `dest`, then remove it.
 *
 * The returned Promise is tracked by the handler: failures reach handleError,
 * `flush()`/`close()` wait for it. At process exit, unfinished compressions
 * are completed synchronously. A crash mid-compression leaves the data in
 * the hidden `.pending` file.
 *
 * @example new GzipRotator().install(new RotatingFileHandler('app.log', { maxBytes: 1 << 20, backupCount: 5 }))
 */
export class GzipRotator {
  readonly level: number;
  readonly maxPending: number;
  /** Compressions running in the background now. */
  pending = 0;
  /** Rotations compressed synchronously because `maxPending` was reached. */
  syncCompressions = 0;

  constructor(options: GzipRotatorOptions = {}) {
    this.level = options.level ?? nodeZlib().constants.Z_DEFAULT_COMPRESSION;
    this.maxPending = Math.max(0, options.maxPending ?? 4);
  }

  /** Appends `.gz` to the default name (Python cookbook's `namer`). */
  readonly namer: Namer = (name) => name + '.gz';

  /** Moves `source` aside and gzips it into `dest`; see the class comment. */
  readonly rotator: Rotator = (source, dest) => this.rotate(source, dest);

  /** Set this pair as `handler.namer`/`handler.rotator`; returns the handler. */
  install<H extends { namer: Namer | null; rotator: Rotator | null }>(handler: H): H {
    handler.namer = this.namer;
    handler.rotator = this.rotator;
    return handler;
  }

  /** The rotator's work. Override to post-process (e.g. upload) after compression. */
  rotate(source: string, dest: string): void | Promise<void> {
    if (!fs.existsSync(source)) return;
    const pendingPath = path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}.${++seq}.pending`);
    fs.renameSync(source, pendingPath);
    let destFd: number;
    try {
      destFd = fs.openSync(dest, 'w', 0o644);
    } catch (e) {
      fs.renameSync(pendingPath, source);
      throw e;
    }
    const job: Job = { pendingPath, destFd, done: false };
    if (this.pending >= this.maxPending) {
      this.syncCompressions++;
      finishSync(job);
      return;
    }
    if (!exitHookAdded) {
      exitHookAdded = true;
      addExitHook(finishAllSync);
    }
    liveJobs.add(job);
    this.pending++;
    return this.#compress(job).finally(() => {
      this.pending--;
      liveJobs.delete(job);
    });
  }

  async #compress(job: Job): Promise<void> {
    await pipeline(
      fs.createReadStream(job.pendingPath),
      nodeZlib().createGzip({ level: this.level }),
      fs.createWriteStream('', { fd: job.destFd, autoClose: true }),
    );
    if (job.done) return;
    job.done = true;
    fs.unlinkSync(job.pendingPath);
  }
}

/** Compress a job in the calling thread (overflow and exit paths). */
function finishSync(job: Job): void {
  if (job.done) return;
  job.done = true;
  const gz = nodeZlib().gzipSync(fs.readFileSync(job.pendingPath));
  fs.ftruncateSync(job.destFd, 0);
  let off = 0;
  while (off < gz.length) off += fs.writeSync(job.destFd, gz, off, gz.length - off, off);
  fs.closeSync(job.destFd);
  fs.unlinkSync(job.pendingPath);
}

function finishAllSync(): void {
  for (const job of liveJobs) {
    try {
      finishSync(job);
    } catch {
      /* exit path: the data stays in the .pending file */
    }
  }
  liveJobs.clear();
}
