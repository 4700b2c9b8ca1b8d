/** `logflume/pretty`: the formatter and line reader behind `logflume pretty`. */
export { PrettyFormatter, type PrettyFormatterOptions } from './pretty-formatter.js';
export { parseLine, errorText, type ParsedLine } from './parse-line.js';
export { runPretty, lineRecord, PRETTY_HELP } from './cli.js';
