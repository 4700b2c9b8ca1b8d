import { findSourceMap, type SourceMap } from 'node:module';

/**
 * Caller information (pathname, lineno, funcName) costs a stack capture, so it
 * is taken only when something needs it: a Formatter whose format names one of
 * those fields, an explicit `setCallerInfo('always')`, or a call with
 * `stack_info`/`stacklevel`. Python always walks the stack; we do not.
 */
export const callerInfo = {
  /** 'auto': capture when a Formatter uses caller fields; 'always'; 'never'. */
  mode: 'auto' as 'auto' | 'always' | 'never',
  /** Set once any Formatter that uses caller fields is created. */
  usedByFormat: false,
  /**
   * Started worker listeners whose handlers are built from a module, so not yet
   * known to need caller fields: while any is starting, log calls capture their
   * callers (the records wait in the ring for formatters not built yet).
   */
  pending: 0,
};

export const CALLER_FIELDS = new Set(['pathname', 'filename', 'module', 'lineno', 'funcName']);

/** True when a log call must capture its caller. */
export function wantCallerInfo(): boolean {
  const m = callerInfo.mode;
  return m === 'always' || (m === 'auto' && (callerInfo.usedByFormat || callerInfo.pending > 0));
}

export interface CallerFrame {
  pathname: string;
  lineno: number;
  funcName: string;
}

const UNKNOWN: CallerFrame = { pathname: '(unknown file)', lineno: 0, funcName: '(unknown function)' };

const internalFiles = new Set<string>();
/** @internal modules whose frames are never the "caller" (Python's `_srcfile`). */
export function registerInternalFile(url: string): void {
  internalFiles.add(url);
  if (url.startsWith('file://')) {
    try {
      internalFiles.add(decodeURIComponent(new URL(url).pathname));
    } catch {
      /* ignore */
    }
  }
}

/**
 * Caller frame and optional stack text for a log call, skipping logflume's own
 * frames and then `stacklevel - 1` more (Python 3.11's findCaller).
 */
export function findCallerFrame(above: Function, stacklevel: number, withStack: boolean): { frame: CallerFrame; stack: string | null } {
  const prevPrepare = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    Error.stackTraceLimit = withStack ? 100 : Math.max(1, stacklevel) + 12;
    Error.prepareStackTrace = (_e, sites) => sites;
    Error.captureStackTrace(holder, above);
    const sites = holder.stack as NodeJS.CallSite[] | undefined;
    if (!Array.isArray(sites)) return { frame: UNKNOWN, stack: null };
    let i = 0;
    while (i < sites.length && internalFiles.has(sites[i]!.getFileName() ?? '')) i++;
    let level = Math.max(1, stacklevel);
    while (level > 1 && i < sites.length - 1) {
      i++;
      level--;
    }
    if (i >= sites.length) return { frame: UNKNOWN, stack: null };
    const frame = frameOf(sites[i]!);
    let stack: string | null = null;
    if (withStack) {
      const lines: string[] = [];
      for (let j = sites.length - 1; j >= i; j--) {
        const f = frameOf(sites[j]!);
        lines.push(`  File "${f.pathname}", line ${f.lineno}, in ${f.funcName}`);
      }
      stack = 'Stack (most recent call last):\n' + lines.join('\n');
    }
    return { frame, stack };
  } catch {
    return { frame: UNKNOWN, stack: null };
  } finally {
    Error.prepareStackTrace = prevPrepare;
    Error.stackTraceLimit = prevLimit;
  }
}

/**
 * The first stack frame whose file is not under `dir` (nor Node's own), as
 * `file:line` — where a log call was made when the stack is walked from inside
 * a handler that the call ran synchronously. null when none is found.
 */
export function firstFrameOutside(dir: string, above: Function): string | null {
  const prevPrepare = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 40;
    Error.prepareStackTrace = (_e, sites) => sites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, above);
    const sites = holder.stack as NodeJS.CallSite[] | undefined;
    if (!Array.isArray(sites)) return null;
    for (const site of sites) {
      const f = frameOf(site);
      if (f.pathname === '(unknown file)' || f.pathname.startsWith('node:') || f.pathname.startsWith(dir)) continue;
      return `${f.pathname}:${f.lineno}`;
    }
    return null;
  } catch {
    return null;
  } finally {
    Error.prepareStackTrace = prevPrepare;
    Error.stackTraceLimit = prevLimit;
  }
}

const NO_MAP = Symbol('no source map');
const sourceMaps = new Map<string, SourceMap | typeof NO_MAP>();

/**
 * Structured call sites report generated positions; when Node's source-map
 * support is on (tsx, --enable-source-maps) map them back to the source the
 * user wrote, as Error.stack text already is.
 */
function mapPosition(file: string, line: number, col: number): { file: string; line: number } | null {
  let sm = sourceMaps.get(file);
  if (sm === undefined) {
    try {
      sm = findSourceMap(file) ?? NO_MAP;
    } catch {
      sm = NO_MAP;
    }
    if (sourceMaps.size > 1000) sourceMaps.clear();
    sourceMaps.set(file, sm);
  }
  if (sm === NO_MAP) return null;
  const e = sm.findEntry(line - 1, Math.max(0, col - 1)) as { originalSource?: string; originalLine?: number };
  if (!e || e.originalLine === undefined || e.originalSource === undefined) return null;
  return { file: e.originalSource, line: e.originalLine + 1 };
}

function frameOf(site: NodeJS.CallSite): CallerFrame {
  const raw = site.getFileName() ?? '(unknown file)';
  let lineno = site.getLineNumber() ?? 0;
  let file = raw;
  const mapped = raw !== '(unknown file)' ? mapPosition(raw, lineno, site.getColumnNumber() ?? 0) : null;
  if (mapped) {
    file = mapped.file;
    lineno = mapped.line;
  }
  if (file.startsWith('file://')) {
    try {
      file = decodeURIComponent(new URL(file).pathname);
    } catch {
      /* keep the URL text */
    }
  }
  const fn = site.getFunctionName();
  const method = site.getMethodName();
  const type = site.isToplevel() ? null : site.getTypeName();
  let funcName = fn ?? method ?? '<module>';
  if (fn === null && method !== null && type) funcName = `${type}.${method}`;
  return { pathname: file, lineno, funcName };
}
