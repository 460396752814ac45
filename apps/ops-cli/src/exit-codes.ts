/**
 * What scripts can rely on: 0 all good, 1 the check found a problem (or the thing asked about does not exist),
 * 2 the command was wrong, 3 a dependency is down, 4 busy: another process holds the operation (a rebuild running).
 */
export const EXIT = { ok: 0, problemFound: 1, usage: 2, unavailable: 3, busy: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
