import type { Environment } from '@orders/service-kit';

// The CLI's configuration module: its one reader of the environment (it has no Nest config module). Commands get
// what this reads, passed down from main.ts, so tests call them with an environment of their own.

/** The variables the CLI reads (databases, schemas, brokers), as the process was started with them. */
export function readOpsEnvironment(): Environment {
  return { ...process.env };
}

/** What a child process the CLI starts gets: this environment, handed on unread, plus `extra`. */
export function childEnvironment(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
