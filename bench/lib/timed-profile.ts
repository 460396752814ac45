import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/**
 * `BENCH_TIMED_PROFILE=<dir>`: a V8 CPU profile of only the timed part of a measurement that runs in the bench's
 * own process (`--cpu-prof` covers the seed and start-up too, which drown the part being measured). Written as
 * <dir>/<name>.cpuprofile, for bench/lib/profile-top.ts. Without the variable, `work` runs unprofiled.
 */
export async function profiledIfAsked<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_TIMED_PROFILE;
  if (!dir) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
