import { nodeChildProcess } from '../internal/lazy-builtins.js';
import { Handler } from '../handler.js';
import { ConfigError } from '../errors.js';
import { DEBUG, INFO, WARNING, ERROR, CRITICAL, NOTSET, type Level } from '../levels.js';
import type { LogRecord } from '../log-record.js';
import { Waiters } from '../internal/waiters.js';

/** win32evtlog event types, with the values pywin32 uses. */
export const EVENTLOG_ERROR_TYPE = 0x0001;
export const EVENTLOG_WARNING_TYPE = 0x0002;
export const EVENTLOG_INFORMATION_TYPE = 0x0004;
export const EVENTLOG_AUDIT_SUCCESS = 0x0008;
export const EVENTLOG_AUDIT_FAILURE = 0x0010;

/** `Write-EventLog -EntryType` names for the event types. */
const ENTRY_TYPE: Record<number, string> = {
  [EVENTLOG_ERROR_TYPE]: 'Error',
  [EVENTLOG_WARNING_TYPE]: 'Warning',
  [EVENTLOG_INFORMATION_TYPE]: 'Information',
  [EVENTLOG_AUDIT_SUCCESS]: 'SuccessAudit',
  [EVENTLOG_AUDIT_FAILURE]: 'FailureAudit',
};

/** Largest message the event log accepts (characters). */
const MAX_MESSAGE = 31839;

/** One entry as it is handed to `Write-EventLog`. */
export interface NTEvent {
  logName: string;
  source: string;
  eventId: number;
  category: number;
  entryType: string;
  message: string;
}

/** Options of {@link NTEventLogHandler}. */
export interface NTEventLogHandlerOptions {
  appname: string;
  /** Message resource file registered for the source; default .NET's EventLogMessages.dll (shows the text for any ID). */
  dllname?: string | null;
  /** Event log name (default 'Application'). */
  logtype?: string;
  /** Events waiting for the writer process; beyond it the oldest are dropped. Default 1000. */
  maxBacklog?: number;
  level?: Level;
}

/**
 * The PowerShell script run for each batch: register the source when it is
 * missing (needs admin; refused registration is ignored, as Python ignores
 * "access denied"), then `Write-EventLog` each event read as JSON from stdin.
 */
export const WRITE_EVENTS_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '$events = [Console]::In.ReadToEnd() | ConvertFrom-Json',
  'foreach ($e in @($events)) {',
  '  try { if (-not [System.Diagnostics.EventLog]::SourceExists($e.source)) {',
  '    if ($env:LOGFLUME_EVENTLOG_DLL) { New-EventLog -LogName $e.logName -Source $e.source -MessageResourceFile $env:LOGFLUME_EVENTLOG_DLL }',
  '    else { New-EventLog -LogName $e.logName -Source $e.source } } } catch { }',
  '  Write-EventLog -LogName $e.logName -Source $e.source -EventId $e.eventId -Category $e.category -EntryType $e.entryType -Message $e.message',
  '}',
].join('\n');

/**
 * Writes records to the Windows event log (Python's
 * `logging.handlers.NTEventLogHandler`). Python calls pywin32's ReportEvent;
 * on stock Windows Node has no such binding, so events go through Windows
 * PowerShell's `Write-EventLog` (present on every supported Windows), one
 * `powershell.exe` per batch of queued records, off the caller's path.
 * Failures go to `handleError`. Constructing it elsewhere throws.
 *
 * @example new NTEventLogHandler('MyService')
 * @throws ConfigError when not running on Windows.
 */
export class NTEventLogHandler extends Handler {
  /** Platform check, overridable for tests that inspect the events built on other systems. */
  static platform: NodeJS.Platform = process.platform;
  static readonly EVENTLOG_ERROR_TYPE = EVENTLOG_ERROR_TYPE;
  static readonly EVENTLOG_WARNING_TYPE = EVENTLOG_WARNING_TYPE;
  static readonly EVENTLOG_INFORMATION_TYPE = EVENTLOG_INFORMATION_TYPE;

  appname: string;
  dllname: string | null;
  logtype: string;
  /** Event type for levels missing from `typemap` (Python's `deftype`). */
  deftype = EVENTLOG_ERROR_TYPE;
  /** Level → event type, as Python's. Add entries for custom levels. */
  typemap: Map<number, number> = new Map([
    [DEBUG, EVENTLOG_INFORMATION_TYPE],
    [INFO, EVENTLOG_INFORMATION_TYPE],
    [WARNING, EVENTLOG_WARNING_TYPE],
    [ERROR, EVENTLOG_ERROR_TYPE],
    [CRITICAL, EVENTLOG_ERROR_TYPE],
  ]);
  readonly maxBacklog: number;
  /** Events dropped because the backlog was full. */
  droppedCount = 0;

  #queue: { record: LogRecord; event: NTEvent }[] = [];
  #busy = false;
  #dropReported = false;
  readonly #waiters = new Waiters();

  constructor(appname: string | NTEventLogHandlerOptions, dllname: string | null = null, logtype = 'Application') {
    const o: NTEventLogHandlerOptions = typeof appname === 'object' ? appname : { appname, dllname, logtype };
    const platform = (new.target as typeof NTEventLogHandler).platform;
    if (platform !== 'win32') {
      throw new ConfigError(`NTEventLogHandler is Windows-only (it writes to the Windows event log); this is ${platform}. Use SysLogHandler here.`, {
        code: 'ERR_LOGFLUME_PLATFORM',
      });
    }
    super(o.level ?? NOTSET);
    if (!o.appname) throw new ConfigError('NTEventLogHandler: appname is required');
    this.appname = o.appname;
    this.dllname = o.dllname ?? null;
    this.logtype = o.logtype ?? 'Application';
    this.maxBacklog = o.maxBacklog ?? 1000;
  }

  /** The event ID (Python's `getMessageID`, default 1). Override to use IDs from your own message DLL. */
  getMessageID(_record: LogRecord): number {
    return 1;
  }

  /** The event category (Python's `getEventCategory`, default 0). Override to categorise. */
  getEventCategory(_record: LogRecord): number {
    return 0;
  }

  /** The event type from `typemap`, else `deftype` (Python's `getEventType`). Override for your own levels. */
  getEventType(record: LogRecord): number {
    return this.typemap.get(record.levelno) ?? this.deftype;
  }

  /** Exactly what is handed to `Write-EventLog` for a record. */
  buildEvent(record: LogRecord): NTEvent {
    const type = this.getEventType(record);
    const entryType = ENTRY_TYPE[type];
    if (!entryType) throw new Error(`NTEventLogHandler: unknown event type ${type}`);
    return {
      logName: this.logtype,
      source: this.appname,
      eventId: this.getMessageID(record),
      category: this.getEventCategory(record),
      entryType,
      message: this.format(record).slice(0, MAX_MESSAGE),
    };
  }

  /** The writer process: program, arguments, extra environment and the stdin text for a batch. */
  writerCommand(events: NTEvent[]): { file: string; args: string[]; env: Record<string, string>; input: string } {
    const encoded = Buffer.from(WRITE_EVENTS_SCRIPT, 'utf16le').toString('base64');
    return {
      file: 'powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encoded],
      env: this.dllname ? { LOGFLUME_EVENTLOG_DLL: this.dllname } : {},
      input: JSON.stringify(events),
    };
  }

  /** Build the event now and queue it; the writer runs in the background. */
  override emit(record: LogRecord): void {
    const event = this.buildEvent(record);
    if (this.#queue.length >= this.maxBacklog) {
      this.#queue.shift();
      this.droppedCount++;
      if (!this.#dropReported) {
        this.#dropReported = true;
        this.handleError(record, new Error(`NTEventLogHandler: backlog full (${this.maxBacklog}), dropping the oldest events`));
      }
    }
    this.#queue.push({ record, event });
    this.#pump();
  }

  #pump(): void {
    if (this.#busy || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, 100);
    this.#busy = true;
    const cmd = this.writerCommand(batch.map((b) => b.event));
    const done = (err: unknown) => {
      if (err) this.handleError(batch[0]!.record, err);
      this.#busy = false;
      this.#dropReported = false;
      this.#pump();
      if (this.#idle()) this.#waiters.release();
    };
    let stderr = '';
    let finished = false;
    const finish = (err: unknown) => {
      if (!finished) {
        finished = true;
        done(err);
      }
    };
    try {
      const child = nodeChildProcess().spawn(cmd.file, cmd.args, { env: { ...process.env, ...cmd.env }, stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
      child.stderr!.on('data', (b) => (stderr += String(b)));
      child.on('error', finish);
      child.on('close', (code) => finish(code === 0 ? null : new Error(`NTEventLogHandler: Write-EventLog failed (exit ${code}): ${stderr.trim()}`)));
      child.stdin!.on('error', () => {});
      child.stdin!.end(cmd.input);
    } catch (e) {
      finish(e);
    }
  }

  /** Resolve when every queued event has been written or has failed. */
  override flush(): Promise<void> {
    return this.#idle() ? Promise.resolve() : this.#waiters.wait();
  }

  #idle(): boolean {
    return !this.#busy && this.#queue.length === 0;
  }

  /** Write what is queued, then close. The source stays registered, as in Python. */
  override async close(): Promise<void> {
    if (this._closed) return;
    await this.flush();
    await super.close();
  }
}
