import { BackgroundStart, type KafkaMember } from './kafka-lifecycle';

const quiet = { warn: () => undefined, error: () => undefined };

/** A member that fails its first `failures` starts, recording every call. */
function member(name: string, calls: string[], failures = 0): KafkaMember {
  let left = failures;
  return {
    name,
    start: async () => {
      calls.push(`start ${name}`);
      if (left-- > 0) throw new Error(`${name} unreachable`);
    },
    stop: async () => void calls.push(`stop ${name}`),
  };
}

describe('BackgroundStart (one Kafka lifecycle)', () => {
  it('starts members in order, undoes and retries a failed start, and stops them last first', async () => {
    const calls: string[] = [];
    const lifecycle = new BackgroundStart([member('relay', calls), member('consumer', calls, 2)], {
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
      logger: quiet,
    });
    let up = false;
    lifecycle.start(() => (up = true));
    await lifecycle.ready();
    expect(up).toBe(true);
    expect(lifecycle.running).toBe(true);
    expect(calls).toEqual([
      'start relay',
      'start consumer',
      'stop consumer',
      'start consumer',
      'stop consumer',
      'start consumer',
    ]);
    calls.length = 0;
    await lifecycle.stop();
    expect(calls).toEqual(['stop consumer', 'stop relay']);
    expect(lifecycle.running).toBe(false);
  });

  it('stops retrying when stopped while the broker is still away, stopping only what had started', async () => {
    const calls: string[] = [];
    const lifecycle = new BackgroundStart(
      [member('relay', calls), member('consumer', calls, Number.POSITIVE_INFINITY)],
      {
        retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
        logger: quiet,
      },
    );
    lifecycle.start();
    await new Promise((resolve) => setImmediate(resolve));
    await lifecycle.stop(); // cuts the 60 s pause short
    expect(calls).toEqual(['start relay', 'start consumer', 'stop consumer', 'stop relay']);
    expect(lifecycle.running).toBe(false);
  });
});
