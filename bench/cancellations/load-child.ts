import { runLoad } from './load';

// The load generator as a process of its own (shell-cost.ts): the service's process then spends its CPU on the
// service alone, so CPU per request can be read from process.cpuUsage() around a round.
process.on('message', (job: { port: number; path: string; bodies: string[]; concurrency: number }) => {
  runLoad(job.port, job.path, {}, job.bodies, job.concurrency).then(
    ({ latenciesMs: _latencies, ...result }) => process.send?.(result),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
