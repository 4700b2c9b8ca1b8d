// Shared timing helpers for the peer scenarios (plain JS so no loader skews them).
export function now() {
  return process.hrtime.bigint();
}
export function report(n, t0, t1, t2, extra = {}) {
  process.stdout.write(JSON.stringify({ recordsPerSec: (n * 1e9) / Number(t2 - t0), callerNs: Number(t1 - t0) / n, ...extra }) + '\n');
}
export function disabledNs(fn, n = 20_000_000) {
  for (let i = 0; i < 1_000_000; i++) fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / n;
}
