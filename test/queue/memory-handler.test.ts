import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Handler, LogRecord, getLogger, DEBUG, INFO, WARNING, ERROR, CRITICAL } from '../../src/index.js';
import { MemoryHandler, BufferingHandler } from '../../src/handlers/index.js';
import { isolateLogging } from '../helpers/capture.js';
import { runPython } from '../helpers/python.js';

isolateLogging();

class ListHandler extends Handler {
  got: string[] = [];
  override emit(r: LogRecord): void {
    this.got.push(r.getMessage());
  }
}

type Op = ['log', number, string] | ['flush'] | ['setTarget'] | ['clearTarget'] | ['close'];
interface Scenario {
  kind: 'memory' | 'buffering';
  capacity: number;
  flushLevel: number;
  flushOnClose: boolean;
  withTarget: boolean;
  ops: Op[];
}
/** After each op: [buffer length, messages the target has received]. */
type Trace = [number, string[]][];

function runTs(s: Scenario): Trace {
  const target = new ListHandler();
  const h = s.kind === 'memory' ? new MemoryHandler(s.capacity, s.flushLevel, s.withTarget ? target : null, s.flushOnClose) : new BufferingHandler(s.capacity);
  const trace: Trace = [];
  for (const op of s.ops) {
    switch (op[0]) {
      case 'log':
        h.handle(new LogRecord('m', op[1], 'x.ts', 1, op[2], null, null));
        break;
      case 'flush':
        void h.flush();
        break;
      case 'setTarget':
        (h as MemoryHandler).setTarget?.(target);
        break;
      case 'clearTarget':
        (h as MemoryHandler).setTarget?.(null);
        break;
      case 'close':
        void h.close();
        break;
    }
    trace.push([h.buffer.length, target.got.slice()]);
  }
  return trace;
}

const PY = `
import json, sys, logging, logging.handlers
class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(); self.got = []
    def emit(self, r): self.got.append(r.getMessage())
out = []
for s in json.load(sys.stdin):
    target = ListHandler()
    if s['kind'] == 'memory':
        h = logging.handlers.MemoryHandler(s['capacity'], s['flushLevel'], target if s['withTarget'] else None, s['flushOnClose'])
    else:
        h = logging.handlers.BufferingHandler(s['capacity'])
    trace = []
    for op in s['ops']:
        if op[0] == 'log': h.handle(logging.LogRecord('m', op[1], 'x.py', 1, op[2], None, None))
        elif op[0] == 'flush': h.flush()
        elif op[0] == 'setTarget' and s['kind'] == 'memory': h.setTarget(target)
        elif op[0] == 'clearTarget' and s['kind'] == 'memory': h.setTarget(None)
        elif op[0] == 'close': h.close()
        trace.append([len(h.buffer), list(target.got)])
    out.append(trace)
print(json.dumps(out))
`;

const levelArb = fc.constantFrom(DEBUG, INFO, WARNING, ERROR, CRITICAL);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constant('log' as const), levelArb, fc.string({ maxLength: 6 })) },
  { weight: 1, arbitrary: fc.constant(['flush'] as Op) },
  { weight: 1, arbitrary: fc.constant(['setTarget'] as Op) },
  { weight: 1, arbitrary: fc.constant(['clearTarget'] as Op) },
  { weight: 1, arbitrary: fc.constant(['close'] as Op) },
);
const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  kind: fc.constantFrom('memory' as const, 'buffering' as const),
  capacity: fc.integer({ min: 0, max: 6 }),
  flushLevel: levelArb,
  flushOnClose: fc.boolean(),
  withTarget: fc.boolean(),
  ops: fc.array(opArb, { maxLength: 25 }),
});

describe('MemoryHandler / BufferingHandler', () => {
  test('MemoryHandler.shouldFlush()/flush()/close()/setTarget() – same buffer and target sequences as CPython 3.11 (300 random scenarios)', () => {
    const scenarios = fc.sample(scenarioArb, { numRuns: 300, seed: 42 });
    // a few hand-written ones: the documented corner cases
    scenarios.push(
      { kind: 'memory', capacity: 3, flushLevel: ERROR, flushOnClose: true, withTarget: true, ops: [['log', INFO, 'a'], ['log', DEBUG, 'b'], ['log', ERROR, 'boom'], ['log', INFO, 'c'], ['close'], ['log', INFO, 'after close']] },
      { kind: 'memory', capacity: 2, flushLevel: ERROR, flushOnClose: false, withTarget: true, ops: [['log', INFO, 'a'], ['close'], ['flush']] },
      { kind: 'memory', capacity: 1, flushLevel: ERROR, flushOnClose: true, withTarget: false, ops: [['log', INFO, 'a'], ['log', ERROR, 'b'], ['setTarget'], ['log', DEBUG, 'c']] },
    );
    const py = runPython<Trace[]>(PY, scenarios);
    scenarios.forEach((s, i) => assert.deepEqual(runTs(s), py[i], `scenario ${i}: ${JSON.stringify(s)}`));
  });

  test('MemoryHandler – defaults are flushLevel ERROR, no target, flushOnClose true (Python)', () => {
    const h = new MemoryHandler(10);
    assert.equal(h.flushLevel, ERROR);
    assert.equal(h.target, null);
    assert.equal(h.flushOnClose, true);
    const o = new MemoryHandler(5, { flushLevel: 'WARNING', flushOnClose: false });
    assert.equal(o.flushLevel, WARNING);
    assert.equal(o.flushOnClose, false);
  });

  test('MemoryHandler.close() – flushes, then forgets the target without closing it', async () => {
    const target = new ListHandler();
    const h = new MemoryHandler(100, ERROR, target);
    h.handle(new LogRecord('m', INFO, 'x', 1, 'kept', null, null));
    await h.close();
    assert.deepEqual(target.got, ['kept']);
    assert.equal(h.target, null);
    target.handle(new LogRecord('m', INFO, 'x', 1, 'still open', null, null));
    assert.deepEqual(target.got, ['kept', 'still open']);
  });

  test('MemoryHandler.flushSync() – at exit the buffer goes to the target (what shutdown relies on)', () => {
    const target = new ListHandler();
    const h = new MemoryHandler(100, ERROR, target);
    const log = getLogger('mem.exit');
    log.propagate = false;
    log.setLevel(DEBUG);
    log.addHandler(h);
    log.debug('context 1');
    log.info('context 2');
    assert.deepEqual(target.got, []);
    h.flushSync();
    assert.deepEqual(target.got, ['context 1', 'context 2']);
  });

  test('MemoryHandler.shouldFlush() – overridable hook', () => {
    class EveryThird extends MemoryHandler {
      override shouldFlush(): boolean {
        return this.buffer.length % 3 === 0;
      }
    }
    const target = new ListHandler();
    const h = new EveryThird(100, CRITICAL, target);
    for (let i = 0; i < 7; i++) h.handle(new LogRecord('m', INFO, 'x', 1, String(i), null, null));
    assert.deepEqual(target.got, ['0', '1', '2', '3', '4', '5']);
    assert.equal(h.buffer.length, 1);
  });
});
