import type { Io } from '../src/output';

/** An Io that keeps what a command wrote, for assertions. */
export function capture(): Io & { stdout: string[]; stderr: string[]; progressed: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const progressed: string[] = [];
  return { stdout, stderr, progressed, out: (text) => stdout.push(text), err: (text) => stderr.push(text), progress: (text) => progressed.push(text) };
}
