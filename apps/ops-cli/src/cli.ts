import { parseArgs } from 'node:util';
import { audit } from './commands/audit';
import { checksum } from './commands/checksum';
import { dlq } from './commands/dlq';
import { rebuild } from './commands/rebuild';
import { replay } from './commands/replay';
import { verify } from './commands/verify';
import { EXIT, UsageError, type ExitCode } from './exit-codes';
import type { Io } from './output';
import { ProjectorOperationError } from './projector-operations';
import { readModelTarget, serviceNames, storeTargets } from './targets';
import type { Environment } from '@orders/service-kit';

export const USAGE = `usage: npm run ops -- <command> [options]

commands:
  verify [--service <name>|all] [--stream <id>]     recompute the hash chains; name the first broken link
  dlq list <topic> [--partition p] [--limit n]      dead letters of a topic (its name or its .dlq)
  dlq show <topic> --partition p --offset o         one dead letter with its headers and body
  dlq redrive <topic> --partition p (--offset o | --all)
                                                    send dead letters back to their origin topic (same event id)
  rebuild order-summary [--restart] [--batch-size n]
                                                    blue/green rebuild from the projector's journal, progress bar;
                                                    resumes a rebuild a crash interrupted (--restart: start over)
  rebuild order-summary (--only order:<id> | --only company:<id> | --from <position|time>)
                                                    re-fold just those orders in place, in one transaction
  audit <orderId> [--as-of <time>]                  cross-service timeline and combined state (as of a time)
  replay (--order <id> | --company <id> --since <time>) --to-topic <topic>
                                                    re-feed a subset of events to one consumer (original event ids)
  checksum order-summary|order-timeline [--version n]
                                                    deterministic checksum of a read model

options:
  --json                 one JSON document on stdout instead of a table
  --database-url <url>   another database (with --service for verify; the read-model database otherwise)
  --schema <name>        the event store's schema (default event_store) or the read models' (default projector)
  --brokers <list>       Kafka brokers (default KAFKA_BROKERS or 127.0.0.1:19092)

exit codes: 0 ok, 1 a problem was found (or nothing matched), 2 wrong usage, 3 a database or broker is unreachable,
            4 busy (another rebuild holds the projection)`;

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
  from: { type: 'string' },
  only: { type: 'string' },
  restart: { type: 'boolean', default: false },
  'batch-size': { type: 'string' },
  'as-of': { type: 'string' },
  version: { type: 'string' },
  order: { type: 'string' },
  company: { type: 'string' },
  since: { type: 'string' },
  'to-topic': { type: 'string' },
} as const;

function integer(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer`);
  return Number(value);
}

/**
 * Runs one command and answers its exit code; never exits the process itself, so tests can call it. `env` is what
 * main.ts read (the CLI's one read of the environment); without it only the options and the defaults count.
 */
export async function runCli(argv: readonly string[], io: Io, env: Environment = {}): Promise<ExitCode> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: optionSpec, allowPositionals: true, strict: true });
    const [command, ...rest] = positionals;
    const readModels = () => readModelTarget({ databaseUrl: values['database-url'], schema: values.schema }, env);
    const brokers = values.brokers ?? env.KAFKA_BROKERS ?? '127.0.0.1:19092';
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
          brokers,
          json: values.json,
          partition: integer(values.partition, 'partition'),
          offset: values.offset,
          all: values.all,
          limit: integer(values.limit, 'limit', 100) ?? 100,
        }, io);
      case 'rebuild':
        return await rebuild(rest[0], readModels(), {
          json: values.json, from: values.from, only: values.only, restart: values.restart,
          batchSize: integer(values['batch-size'], 'batch-size', 5000) || 5000,
        }, io);
      case 'audit':
        return await audit(rest[0], readModels(), { json: values.json, asOf: values['as-of'] }, io);
      case 'checksum':
        return await checksum(rest[0], readModels(), { json: values.json, version: integer(values.version, 'version') }, io);
      case 'replay':
        return await replay(readModels(), {
          json: values.json, brokers, order: values.order, company: values.company, since: values.since, toTopic: values['to-topic'],
        }, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)} (services: ${serviceNames().join(', ')})`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof ProjectorOperationError && error.code === 'NO_READ_MODELS') {
      io.err(`ops: no read models here (${(error as Error).message}); has the projector run against this database and schema?`);
      return EXIT.unavailable;
    }
    io.err(`ops: ${(error as Error).message}`);
    return EXIT.unavailable;
  }
}
