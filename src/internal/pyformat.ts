// Python's string-formatting engine for logflume: `str % args` for
// LogRecord.getMessage(), and the three logging format styles compiled once
// into render functions for Formatter. The implementation is split by concern
// into pyformat.*.ts; this module is the public surface.
export { PyFormatError, pyStr, pyRepr, type CompiledFormat } from './pyformat.values.js';
export { formatValue } from './pyformat.format-spec.js';
export { percentFormat, compilePercentStyle, numbersFormatSafely } from './pyformat.percent.js';
export { compileBraceStyle } from './pyformat.brace.js';
export { compileDollarStyle } from './pyformat.dollar.js';
export { validateFormat } from './pyformat.validate.js';
