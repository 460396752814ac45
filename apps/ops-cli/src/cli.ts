import { parseArgs } from 'node:util';
import { dlq } from './commands/dlq';
import { verify } from './commands/verify';
import { EXIT, UsageError, type ExitCode } from './exit-codes';
import type { Io } from './output';
import { serviceNames, storeTargets } from './targets';

export const USAGE = `usage: npm run ops -- <command> [options]

commands:
  verify [--service <name>|all] [--stream <id>]     recompute the hash chains; name the first broken link
  dlq list <topic> [--partition p] [--limit n]      dead letters of a topic (its name or its .dlq)
  dlq show <topic> --partition p --offset o         one dead letter with its headers and body
  dlq redrive <topic> --partition p (--offset o | --all)
                                                    send dead letters back to their origin topic (same event id)

options:
  --json                 one JSON document on stdout instead of a table
  --database-url <url>   with --service: another database (a restored backup, say)
  --schema <name>        the event store's schema (default event_store)
  --brokers <list>       Kafka brokers (default KAFKA_BROKERS or 127.0.0.1:19092)

exit codes: 0 ok, 1 a problem was found, 2 wrong usage, 3 a database or broker is unreachable`;

const optionSpec = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  service: { type: 'string' },
  stream: { type: 'string' },
  'database-url': { type: 'string' },
  schema: { type: 'string' },
  brokers: { type: 'string' },
  partition: { type: 'string' },
  offset: { type: 'string' },
  all: { type: 'boolean', default: false },
  limit: { type: 'string' },
} as const;

function integer(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer`);
  return Number(value);
}

/** Runs one command and answers its exit code; never exits the process itself, so tests can call it. */
export async function runCli(argv: readonly string[], io: Io, env = process.env): Promise<ExitCode> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: optionSpec, allowPositionals: true, strict: true });
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      io.out(USAGE);
      return command || values.help ? EXIT.ok : EXIT.usage;
    }
    switch (command) {
      case 'verify':
        return await verify(
          storeTargets({ service: values.service, databaseUrl: values['database-url'], schema: values.schema }, env),
          { stream: values.stream, json: values.json, limit: integer(values.limit, 'limit', 20) ?? 20 },
          io,
        );
      case 'dlq':
        return await dlq(rest[0], rest[1], {
          brokers: values.brokers ?? env.KAFKA_BROKERS ?? '127.0.0.1:19092',
          json: values.json,
          partition: integer(values.partition, 'partition'),
          offset: values.offset,
          all: values.all,
          limit: integer(values.limit, 'limit', 100) ?? 100,
        }, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)} (services: ${serviceNames().join(', ')})`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    io.err(`ops: ${(error as Error).message}`);
    return EXIT.unavailable;
  }
}
