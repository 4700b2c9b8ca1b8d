/**
 * `logflume pretty`: JSON log lines on stdin (logflume's JsonFormatter, pino,
 * bunyan) → readable, optionally coloured lines on stdout. A line that is
 * not a JSON object is written as it is; nothing on stdin stops it.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { makeLogRecord, type LogRecord } from '../log-record.js';
import { checkLevel } from '../levels.js';
import { PrettyFormatter } from './pretty-formatter.js';
import { parseLine } from './parse-line.js';

export const PRETTY_HELP = `Usage: node app.js | logflume pretty [options]

Reads JSON log lines (logflume JsonFormatter, pino, bunyan) on stdin and
prints one readable line per record; other lines pass through unchanged.

  --level LEVEL      hide records below LEVEL (DEBUG, INFO, WARNING, warn, 30, ...)
  --format FMT       Python format, e.g. '%(asctime)s %(levelname)s %(message)s';
                     the line's other fields are usable as %(key)s
  --datefmt FMT      strftime format of %(asctime)s (default %H:%M:%S)
  --utc              times in UTC (default: local time)
  --color/--no-color force colours on or off (default: on when stdout is a TTY
                     and NO_COLOR is unset)
  --no-fields        do not show extra fields
  -h, --help         show this help
`;

/** The minimum level from `--level`: a logflume name or number, or a pino name/number. */
function minLevel(v: string | undefined): number {
  if (v === undefined) return 0;
  const pino: Record<string, number> = { trace: 5, warn: 30, fatal: 50 };
  const lower = v.toLowerCase();
  if (pino[lower] !== undefined) return pino[lower]!;
  if (/^\d+$/.test(v)) return Number(v);
  return checkLevel(v.toUpperCase());
}

/** Build the record a parsed line stands for. */
export function lineRecord(line: string): LogRecord | null {
  const p = parseLine(line);
  if (p === null) return null;
  const ms = p.created * 1000;
  const dict: Record<string, unknown> = {
    ...p.fields,
    name: p.name,
    msg: p.msg,
    args: null,
    levelno: p.levelno,
    levelname: p.levelname,
    created: p.created,
    msecs: ms - Math.floor(ms / 1000) * 1000,
    exc_text: p.exc_text,
    stack_info: p.stack_info,
    process: p.process,
  };
  return makeLogRecord(dict);
}

/** Run the pretty printer over `input` until it ends. Resolves with the number of records printed. */
export async function runPretty(argv: string[], input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      level: { type: 'string' },
      format: { type: 'string' },
      datefmt: { type: 'string' },
      utc: { type: 'boolean' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      'no-fields': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    output.write(PRETTY_HELP);
    return 0;
  }
  const colors = values['no-color'] ? false : values.color ? true : output.isTTY === true && !process.env.NO_COLOR;
  const min = minLevel(values.level);
  const fmt = new PrettyFormatter({ fmt: values.format ?? null, datefmt: values.datefmt, utc: values.utc ?? false, colors, fields: !values['no-fields'] });
  const wanted = values.format === undefined ? [] : fmt.fields.filter((f) => f !== 'message' && f !== 'asctime');
  let n = 0;
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const line of rl) {
    let text: string | null;
    try {
      const rec = lineRecord(line);
      if (rec === null) text = line;
      else if (rec.levelno < min) text = null;
      else {
        // a --format field this line lacks shows as '-' rather than failing the line
        for (const f of wanted) if (!(f in rec)) (rec as unknown as Record<string, unknown>)[f] = '-';
        text = fmt.format(rec);
        n++;
      }
    } catch {
      text = line; // never stop on one line
    }
    if (text !== null && !output.write(text + '\n')) await new Promise((r) => output.once('drain', r));
  }
  return n;
}
