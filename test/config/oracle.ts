/**
 * Runs dictConfig scenarios through CPython's logging.config.dictConfig and
 * through ours, on in-memory streams named in the config as `cfg://streams.<name>`.
 */
import { runPython } from '../helpers/python.js';
import { StringIO } from '../helpers/capture.js';
import { dictConfig } from '../../src/config/index.js';
import { getLogger } from '../../src/index.js';

/** One step: apply a config, log some calls, or create loggers before configuring. */
export type Step =
  | { config: Record<string, unknown> }
  | { log: [logger: string, level: string, msg: string, ...args: unknown[]][] }
  | { pre: string[] };

/** Per step: `null` for a successful config, 'error' for a failed one; plus what each stream holds. */
export interface Outcome {
  steps: (string | null)[];
  streams: Record<string, string>;
}

export const PY_SCRIPT = String.raw`
import sys, json, io, logging, logging.config, logging.handlers
cases = json.load(sys.stdin)
out = []
def reset():
    for h in logging.root.handlers[:]:
        logging.root.removeHandler(h)
    logging.root.setLevel(logging.WARNING)
    logging.root.filters = []
    logging.Logger.manager.loggerDict.clear()
    logging._handlers.clear()
    logging.Logger.manager._clear_cache()
for case in cases:
    reset()
    streams = {name: io.StringIO() for name in case['streams']}
    res = {'steps': [], 'streams': {}}
    for step in case['steps']:
        if 'config' in step:
            cfg = dict(step['config'])
            cfg['streams'] = streams
            try:
                logging.config.dictConfig(cfg)
                res['steps'].append(None)
            except Exception as e:
                res['steps'].append('error')
        elif 'pre' in step:
            for n in step['pre']:
                logging.getLogger(n)
        else:
            for name, level, msg, *args in step['log']:
                logging.getLogger(name or None).log(logging.getLevelName(level), msg, *args)
    for h in list(logging._handlerList):
        h = h()
        if h is not None:
            try: h.flush()
            except Exception: pass
    res['streams'] = {k: v.getvalue() for k, v in streams.items()}
    out.append(res)
reset()
print(json.dumps(out))
`;

/** Streams a case refers to: every `cfg://streams.<name>` in its configs. */
export function streamNames(steps: Step[]): string[] {
  const names = new Set<string>();
  const re = /cfg:\/\/streams\.(\w+)/g;
  for (const s of steps) if ('config' in s) for (const m of JSON.stringify(s.config).matchAll(re)) names.add(m[1]!);
  return [...names].sort();
}

/** All cases through python3 in one process. */
export function runInPython(cases: Step[][]): Outcome[] {
  return runPython<Outcome[]>(PY_SCRIPT, cases.map((steps) => ({ steps, streams: streamNames(steps) })));
}

/** One case through logflume (call inside an isolated test). */
export function runInLogflume(steps: Step[]): Outcome {
  const streams: Record<string, StringIO> = {};
  for (const n of streamNames(steps)) streams[n] = new StringIO();
  const res: Outcome = { steps: [], streams: {} };
  for (const step of steps) {
    if ('config' in step) {
      try {
        dictConfig({ ...(step.config as { version: 1 }), streams });
        res.steps.push(null);
      } catch (e) {
        if (!(e instanceof Error) || e.name !== 'ConfigError') throw e;
        res.steps.push('error');
      }
    } else if ('pre' in step) {
      for (const n of step.pre) getLogger(n);
    } else {
      for (const [name, level, msg, ...args] of step.log) getLogger(name || null).log(level, msg, ...args);
    }
  }
  for (const [k, v] of Object.entries(streams)) res.streams[k] = v.value;
  return res;
}
