/**
 * `BENCH_CPU_PROFILE=<dir> npm run bench -- <suite>`: each service a suite starts writes its V8 CPU profile into
 * <dir> when it exits (Node refuses --cpu-prof in NODE_OPTIONS, so the suites pass it on the command line).
 */
export function profileFlags(): string[] {
  const dir = process.env.BENCH_CPU_PROFILE;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}
