// Property: random interleavings of concurrent appends with expected versions behave like a simple model in
// which appends happen one at a time, each checking the version the model holds for its stream.
import fc from 'fast-check';
import { ConcurrencyError, type AppendResult, type EventStore, type ExpectedVersion } from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';

let fixture: TestEventStore;
let store: EventStore;

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'model', poolSize: 8 });
  store = fixture.store;
});

afterAll(() => fixture?.drop());

type Expectation = 'any' | 'no_stream' | 'current' | 'stale' | 'ahead';
interface Op { stream: number; expectation: Expectation; count: number }

const op = fc.record({
  stream: fc.integer({ min: 0, max: 2 }),
  expectation: fc.constantFrom<Expectation>('any', 'no_stream', 'current', 'current', 'stale', 'ahead'),
  count: fc.integer({ min: 1, max: 3 }),
});
// Each step launches its appends together; steps run one after another.
const scenario = fc.array(fc.array(op, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 });

const asNumber = (expected: ExpectedVersion): number | 'any' => (expected === 'no_stream' ? 0 : expected);

let run = 0;

describe('append against a model', () => {
  it('keeps versions, conflicts and contents consistent with one-at-a-time appends', async () => {
    await fc.assert(fc.asyncProperty(scenario, async (steps) => {
      run += 1;
      const streamId = (s: number) => `model-r${run}-s${s}`;
      const model = new Map<number, string[]>(); // stream -> event ids in version order

      for (const step of steps) {
        const before = [0, 1, 2].map((s) => model.get(s)?.length ?? 0);
        const expectedOf = (o: Op): ExpectedVersion => {
          const v = before[o.stream];
          switch (o.expectation) {
            case 'any': return 'any';
            case 'no_stream': return 'no_stream';
            case 'current': return v;
            case 'stale': return Math.max(0, v - 1);
            case 'ahead': return v + 1;
          }
        };
        const launched = step.map((o) => ({ op: o, expected: expectedOf(o) }));
        const settled = await Promise.allSettled(launched.map(({ op: o, expected }) =>
          store.append(streamId(o.stream), expected, Array.from({ length: o.count }, (_, i) => ({ type: 'M', data: { i } })))));

        for (const s of [0, 1, 2]) {
          const v0 = before[s];
          const mine = launched.map((l, i) => ({ ...l, outcome: settled[i] })).filter((l) => l.op.stream === s);
          const wins = mine.filter((l) => l.outcome.status === 'fulfilled')
            .map((l) => ({ ...l, result: (l.outcome as PromiseFulfilledResult<AppendResult>).value }))
            .sort((a, b) => a.result.firstVersion - b.result.firstVersion);
          // Successes line up one after another from the version before the step.
          let version = v0;
          const states = [v0];
          for (const win of wins) {
            const expected = asNumber(win.expected);
            expect(expected === 'any' || expected === version).toBe(true);
            expect(win.result.firstVersion).toBe(version + 1);
            version += win.op.count;
            expect(win.result.nextExpectedVersion).toBe(version);
            states.push(version);
            model.set(s, [...(model.get(s) ?? []), ...win.result.events.map((e) => e.eventId)]);
          }
          // A failure is only legitimate if the stream was at another version at some point of the step.
          for (const loss of mine.filter((l) => l.outcome.status === 'rejected')) {
            const reason = (loss.outcome as PromiseRejectedResult).reason;
            expect(reason).toBeInstanceOf(ConcurrencyError);
            const expected = asNumber(loss.expected);
            expect(expected).not.toBe('any');
            expect(states.some((state) => state !== expected)).toBe(true);
          }
          expect(await store.streamVersion(streamId(s))).toBe(version);
        }
      }
      for (const [s, ids] of model) {
        expect((await store.readStream(streamId(s))).map((e) => e.eventId)).toEqual(ids);
      }
    }), { numRuns: 60 });
  }, 90_000);
});
