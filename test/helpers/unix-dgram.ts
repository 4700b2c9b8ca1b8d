/**
 * The optional native module unix-dgram (a devDependency, compiled by node-gyp
 * at `npm ci`; needs make and g++). Its tests must never go quiet: when it is
 * missing this says so on stderr in capitals, and with
 * LOGFLUME_REQUIRE_UNIX_DGRAM=1 (set by .ci/run) the test file fails instead.
 */
import { loadUnixDgram, type UnixDgramModule } from '../../src/handlers/unix-dgram-sender.js';

/** The module, or a skip reason after a loud notice (throws when CI requires the module). */
export function requireUnixDgram(what: string): { mod: UnixDgramModule | null; skip: string | false } {
  const mod = loadUnixDgram();
  if (mod) return { mod, skip: false };
  const msg = `unix-dgram is NOT INSTALLED (native build failed or skipped): ${what} SKIPPED. Install make and g++, then npm ci (or npm rebuild unix-dgram).`;
  if (process.env.LOGFLUME_REQUIRE_UNIX_DGRAM === '1') throw new Error(`${msg} LOGFLUME_REQUIRE_UNIX_DGRAM=1 requires it.`);
  process.stderr.write(`\n!!! ${msg}\n\n`);
  return { mod: null, skip: msg };
}
