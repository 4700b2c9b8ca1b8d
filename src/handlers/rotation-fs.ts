import * as fs from 'node:fs';

/** What rotation needs to know about a path (a subset of fs.Stats). */
export interface RotationStat {
  isFile: boolean;
  size: number;
  /** Modification time in whole seconds since the epoch (Python's `os.stat(f)[ST_MTIME]`). */
  mtime: number;
  dev: number;
  ino: number;
}

/**
 * The filesystem operations the rotating handlers perform on names (never on
 * the open log descriptor, which stays with FdWriter). Injected through the
 * `fs` option so the naming and ordering logic of `doRollover` and
 * `getFilesToDelete` can be exercised against an in-memory directory.
 * Every method is synchronous, as rotation happens inside `emit()`.
 */
export interface RotationFs {
  /** Stat following symlinks; null when the path does not exist. */
  stat(path: string): RotationStat | null;
  /** True when the path exists (Python's `os.path.exists`). */
  exists(path: string): boolean;
  /** Rename, replacing an existing destination (POSIX rename). */
  rename(source: string, dest: string): void;
  /** Remove a file (Python's `os.remove`). */
  unlink(path: string): void;
  /** Names in a directory, unsorted (Python's `os.listdir`). */
  readdir(dir: string): string[];
}

/** The real filesystem, through node:fs. */
export const nodeRotationFs: RotationFs = {
  stat(path) {
    const st = fs.statSync(path, { throwIfNoEntry: false });
    if (st === undefined) return null;
    return { isFile: st.isFile(), size: st.size, mtime: Math.floor(st.mtimeMs / 1000), dev: st.dev, ino: st.ino };
  },
  exists(path) {
    return fs.existsSync(path);
  },
  rename(source, dest) {
    fs.renameSync(source, dest);
  },
  unlink(path) {
    fs.unlinkSync(path);
  },
  readdir(dir) {
    return fs.readdirSync(dir);
  },
};
