# CPython 3.11 logging, FileHandler, same workload as logflume-file.ts. Prints JSON.
import json, logging, sys, time
file, n = sys.argv[1], int(sys.argv[2])
h = logging.FileHandler(file, mode='w')
h.setFormatter(logging.Formatter('%(asctime)s %(levelname)s %(name)s %(message)s'))
log = logging.getLogger('app.http'); log.setLevel(logging.INFO); log.addHandler(h); log.propagate = False
t0 = time.perf_counter_ns()
for i in range(n): log.info('request handled %d', i)
t1 = time.perf_counter_ns()
h.close()
t2 = time.perf_counter_ns()
m = 2_000_000
d0 = time.perf_counter_ns()
for i in range(m): log.debug('request handled %d', i)
d1 = time.perf_counter_ns()
print(json.dumps({'recordsPerSec': n * 1e9 / (t2 - t0), 'callerNs': (t1 - t0) / n, 'disabledNs': (d1 - d0) / m}))
