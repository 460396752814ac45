import { performance } from 'node:perf_hooks';

/** The workload sizes both sides of the suite run, ours and the peer's. */
export const WRITERS = 4;
export const TX_PER_WRITER = 25;
export const BATCH = 100;
export const COMMAND_WORKERS = 8;
export const COMMANDS_PER_WORKER = 150;
export const READ_PAGE = 1000;

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export const parallel = (n: number, work: (i: number) => Promise<void>) =>
  Promise.all(Array.from({ length: n }, (_, i) => work(i)));
