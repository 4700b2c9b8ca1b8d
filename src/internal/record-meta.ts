/**
 * The string attributes of a record that both binary encodings (the queue ring
 * and the compact wire frame) cache per logger: they change rarely from record
 * to record, so they travel as one pre-built block.
 */
export const META_FIELDS = ['name', 'levelname', 'pathname', 'filename', 'module', 'funcName', 'threadName', 'processName', 'taskName'] as const;

/** Whether `a` and `b` hold the same meta strings (identity compare: cached entries keep the record's own strings). */
export function sameMeta(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return (
    a.name === b.name &&
    a.levelname === b.levelname &&
    a.pathname === b.pathname &&
    a.funcName === b.funcName &&
    a.threadName === b.threadName &&
    a.filename === b.filename &&
    a.module === b.module &&
    a.processName === b.processName &&
    a.taskName === b.taskName
  );
}
