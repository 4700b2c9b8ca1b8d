import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Logger, makeLogRecord, ConfigError, Formatter, addLevelName } from '../../src/index.js';
import { NTEventLogHandler, WRITE_EVENTS_SCRIPT, EVENTLOG_ERROR_TYPE, EVENTLOG_WARNING_TYPE, EVENTLOG_INFORMATION_TYPE } from '../../src/handlers/nt-event-log-handler.js';
import { isolateLogging, captureStderr } from '../helpers/capture.js';
import { runPython } from '../helpers/python.js';

isolateLogging();

/** The handler as it behaves on Windows, to inspect what it would send from Linux. */
class OnWindows extends NTEventLogHandler {
  static override platform: NodeJS.Platform = 'win32';
}

const rec = (levelno: number, levelname: string, msg = 'm') => makeLogRecord({ name: 'svc', levelno, levelname, msg });

describe('NTEventLogHandler', () => {
  test('NTEventLogHandler() – is Windows-only with a clear error elsewhere', { skip: process.platform === 'win32' }, () => {
    assert.throws(() => new NTEventLogHandler('MyApp'), (e: unknown) => e instanceof ConfigError && /Windows-only/.test((e as Error).message));
  });

  test('NTEventLogHandler.getEventType() – typemap for the five levels and deftype for others, as pywin32 values in Python', () => {
    const h = new OnWindows('MyApp');
    const levels: [number, string][] = [[10, 'DEBUG'], [20, 'INFO'], [30, 'WARNING'], [40, 'ERROR'], [50, 'CRITICAL'], [25, 'CUSTOM']];
    const ours = levels.map(([n, name]) => h.getEventType(rec(n, name)));
    assert.deepEqual(ours, [EVENTLOG_INFORMATION_TYPE, EVENTLOG_INFORMATION_TYPE, EVENTLOG_WARNING_TYPE, EVENTLOG_ERROR_TYPE, EVENTLOG_ERROR_TYPE, EVENTLOG_ERROR_TYPE]);
    // Python's own mapping, run with the pywin32 constants it would import (win32evtlog is Windows-only)
    const py = runPython<number[]>(
      `import json, sys, types, logging, logging.handlers as H
sys.modules['win32evtlog'] = types.SimpleNamespace(EVENTLOG_ERROR_TYPE=1, EVENTLOG_WARNING_TYPE=2, EVENTLOG_INFORMATION_TYPE=4)
sys.modules['win32evtlogutil'] = types.SimpleNamespace(__file__='/x/win32/lib/win32evtlogutil.py', AddSourceToRegistry=lambda *a: None)
h = H.NTEventLogHandler('MyApp')
out = []
for n, name in json.load(sys.stdin):
    r = logging.makeLogRecord({'levelno': n, 'levelname': name})
    out.append([h.getEventType(r), h.getEventCategory(r), h.getMessageID(r)])
print(json.dumps(out))`,
      levels,
    );
    assert.deepEqual(levels.map(([n, name]) => { const r = rec(n, name); return [h.getEventType(r), h.getEventCategory(r), h.getMessageID(r)]; }), py);
    void h.close();
  });

  test('NTEventLogHandler.buildEvent() – exactly what Write-EventLog receives; hooks are overridable', () => {
    class Custom extends OnWindows {
      override getMessageID(): number {
        return 7;
      }
      override getEventCategory(): number {
        return 3;
      }
    }
    const h = new Custom('MyApp', null, 'Application');
    h.setFormatter(new Formatter('%(levelname)s %(message)s'));
    assert.deepEqual(h.buildEvent(rec(30, 'WARNING', 'disk low')), {
      logName: 'Application',
      source: 'MyApp',
      eventId: 7,
      category: 3,
      entryType: 'Warning',
      message: 'WARNING disk low',
    });
    const cmd = h.writerCommand([h.buildEvent(rec(40, 'ERROR', "quote ' and \" \n newline"))]);
    assert.equal(cmd.file, 'powershell.exe');
    assert.deepEqual(cmd.args.slice(0, 4), ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass']);
    assert.equal(Buffer.from(cmd.args[5]!, 'base64').toString('utf16le'), WRITE_EVENTS_SCRIPT);
    assert.match(WRITE_EVENTS_SCRIPT, /Write-EventLog -LogName \$e\.logName -Source \$e\.source -EventId \$e\.eventId -Category \$e\.category -EntryType \$e\.entryType -Message \$e\.message/);
    // the message travels as JSON on stdin, so no quoting can break the command line
    assert.deepEqual(JSON.parse(cmd.input), [{ logName: 'Application', source: 'MyApp', eventId: 7, category: 3, entryType: 'Error', message: "ERROR quote ' and \" \n newline" }]);
    assert.deepEqual(cmd.env, {});
    assert.deepEqual(new OnWindows({ appname: 'A', dllname: 'C:\\m.dll' }).writerCommand([]).env, { LOGFLUME_EVENTLOG_DLL: 'C:\\m.dll' });
    void h.close();
  });

  test('NTEventLogHandler.emit() – a writer that cannot run is reported through handleError', { skip: process.platform === 'win32' }, async () => {
    addLevelName(25, 'CUSTOM');
    const h = new OnWindows('MyApp');
    const lg = new Logger('nt', 1);
    lg.propagate = false;
    lg.addHandler(h);
    const err = await captureStderr(async () => {
      lg.log(25, 'custom level event');
      await h.flush();
    });
    assert.match(err, /--- Logging error ---[\s\S]*powershell\.exe[\s\S]*Message: 'custom level event'/);
    await h.close();
  });
});
