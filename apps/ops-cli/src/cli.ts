import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { audit } from './commands/audit';
import { checksum } from './commands/checksum';
import { dlq } from './commands/dlq';
import { rebuild } from './commands/rebuild';
import { PROJECTIONS, SUMMARY_PROJECTION } from '@orders/read-model-protocol';
import { replay } from './commands/replay';
import { status } from './commands/status';
import { verify } from './commands/verify';
import { DEFAULT_HANDLED_SCHEMA } from './dlq-handled';
import { EXIT, UsageError, type ExitCode } from './exit-codes';
import type { Io } from './output';
import { ProjectorOperationError } from './projector-operations';
import { readModelTarget, storeTargets } from './targets';
import type { Environment } from '@orders/service-kit';

const EXIT_CODES = `exit codes: 0 ok, 1 a problem was found (or nothing matched), 2 wrong usage,
            3 a database or broker is unreachable, 4 busy (another rebuild holds the projection)`;

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a non-negative integer');
  return Number(value);
}

const offset = (value: string): string => String(integer(value));
const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value.split(',').filter(Boolean),
];

interface Common {
  json?: boolean;
  databaseUrl?: string;
  schema?: string;
  brokers?: string;
  storeSchema?: string;
}

/**
 * The commands as commander declares them: each has its own `--help`, and unknown options, missing arguments and
 * bad values are refused with a precise message (exit 2). Actions return their exit code through `done`.
 */
function program(io: Io, env: Environment, done: (code: ExitCode) => void): Command {
  const root = new Command('npm run ops --')
    .description("the operators' command line: verify, audit, status, dead letters, rebuild, replay, checksum")
    .addHelpText('after', `\n${EXIT_CODES}`)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  const brokersOf = (o: Common) => o.brokers ?? env.KAFKA_BROKERS ?? '127.0.0.1:19092';
  const readModels = (o: Common) => readModelTarget({ databaseUrl: o.databaseUrl, schema: o.schema }, env);
  const stores = (o: Common, service?: string) => storeTargets({ service, schema: o.storeSchema }, env);
  const marks = (o: Common) => ({ connection: readModels(o).connection, schema: o.schema ?? DEFAULT_HANDLED_SCHEMA });
  const json = (c: Command) => c.option('--json', 'one JSON document on stdout instead of a table', false);
  const brokers = (c: Command) =>
    c.option('--brokers <list>', 'Kafka brokers (default KAFKA_BROKERS or 127.0.0.1:19092)');
  const readModelDb = (c: Command) =>
    c
      .option('--database-url <url>', 'the read-model database (default READMODELS_DATABASE_URL)')
      .option('--schema <name>', "the read models' schema", 'projector');
  const sub = (parent: Command, name: string, description: string) =>
    parent
      .command(name)
      .description(description)
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
      .showHelpAfterError('(add --help for usage)');

  json(sub(root, 'verify', 'recompute the SHA-256 hash chains; name the first broken link'))
    .addOption(new Option('--service <name>', 'one service, or all').default('all'))
    .option('--stream <id>', 'one stream, or an order id: every stream ending with -<id>')
    .option('--database-url <url>', 'another database (needs --service): a restored backup')
    .option('--schema <name>', "the event store's schema", 'event_store')
    .option('--limit <n>', 'broken streams to list per store', integer, 20)
    .action(async (o: Common & { service: string; stream?: string; limit: number }) =>
      done(
        await verify(
          storeTargets({ service: o.service, databaseUrl: o.databaseUrl, schema: o.schema }, env),
          { stream: o.stream, json: o.json ?? false, limit: o.limit },
          io,
        ),
      ),
    );

  const dlqCommand = sub(
    root,
    'dlq',
    'dead letters: list, show, redrive, resolve (handled ones are marked, with who and when)',
  );
  const dlqCommon = (c: Command) =>
    json(brokers(c))
      .option('--database-url <url>', 'where the handled marks are kept (default READMODELS_DATABASE_URL)')
      .option('--schema <name>', "the marks' schema", DEFAULT_HANDLED_SCHEMA)
      .option('--by <name>', 'who handles them (default: the login name)');
  type DlqCli = Common & {
    partition?: number;
    offset?: string;
    all?: boolean;
    limit?: number;
    note?: string;
    by?: string;
    prefix?: string;
  };
  const runDlq = (action: 'list' | 'show' | 'redrive' | 'resolve') => async (topic: string | undefined, o: DlqCli) =>
    done(
      await dlq(
        action,
        topic,
        {
          brokers: brokersOf(o),
          json: o.json ?? false,
          partition: o.partition,
          offset: o.offset,
          all: o.all ?? false,
          limit: o.limit ?? 100,
          note: o.note,
          by: o.by,
          prefix: o.prefix,
          marks: marks(o),
        },
        io,
      ),
    );
  dlqCommon(
    sub(
      dlqCommand,
      'list',
      'dead letters of a topic (its name or its .dlq) with their handled mark; --all: every .dlq topic with counts',
    ),
  )
    .argument('[topic]')
    .option('--all', 'an overview of every dead-letter topic', false)
    .option('--prefix <p>', 'with --all: only topics whose name starts with p')
    .option('--partition <p>', 'one partition', integer)
    .option('--limit <n>', 'at most n letters', integer, 100)
    .action(runDlq('list'));
  dlqCommon(sub(dlqCommand, 'show', 'one dead letter with its headers, body and handled mark'))
    .argument('<topic>')
    .requiredOption('--partition <p>', 'partition', integer)
    .requiredOption('--offset <o>', 'offset', offset)
    .action(runDlq('show'));
  dlqCommon(
    sub(dlqCommand, 'redrive', 'send dead letters back to their origin topic (same event id) and mark them redriven'),
  )
    .argument('<topic>')
    .requiredOption('--partition <p>', 'partition', integer)
    .option('--offset <o>', 'one letter', offset)
    .option('--all', 'every open letter of the partition', false)
    .option('--note <text>', 'why')
    .action(runDlq('redrive'));
  dlqCommon(sub(dlqCommand, 'resolve', 'mark a dead letter handled without sending it (dealt with by other means)'))
    .argument('<topic>')
    .requiredOption('--partition <p>', 'partition', integer)
    .requiredOption('--offset <o>', 'offset', offset)
    .option('--note <text>', 'what was done')
    .action(runDlq('resolve'));

  json(
    brokers(
      sub(
        root,
        'status',
        'subscriptions, checkpoints, leases, relay lag, consumer lag, due timers, calls to Market, dead letters',
      ),
    ),
  )
    .option(
      '--database-url <url>',
      "the read-model database: the projector's status and the dead-letter marks (default READMODELS_DATABASE_URL)",
    )
    .option('--store-schema <name>', "the services' event-store schema", 'event_store')
    .option('--service <name>', 'one service (the projector included), or all', 'all')
    .option('--schema <name>', "the projector's read-model schema", 'projector')
    .option('--outbox-schema <name>', "the projector's orders.state.v1 outbox schema", 'state_outbox')
    .option('--prefix <p>', 'only consumer groups and dead-letter topics whose names start with p')
    .action(async (o: Common & { service: string; prefix?: string; outboxSchema: string }) =>
      done(
        await status(
          {
            stores: o.service === 'projector' ? [] : stores(o, o.service),
            brokers: brokersOf(o),
            json: o.json ?? false,
            prefix: o.prefix,
            marks: { connection: readModels(o).connection, schema: DEFAULT_HANDLED_SCHEMA },
            ...(o.service === 'all' || o.service === 'projector'
              ? {
                  projector: {
                    connection: readModels(o).connection,
                    readModelSchema: readModels(o).schema,
                    outboxSchema: o.outboxSchema,
                  },
                }
              : {}),
          },
          io,
        ),
      ),
    );

  json(
    readModelDb(
      sub(
        root,
        'rebuild',
        "blue/green rebuild of a read model from the projector's journal (or re-fold some orders in place)",
      ),
    ),
  )
    .argument('<projection>', SUMMARY_PROJECTION)
    .option('--restart', 'start over instead of resuming an interrupted rebuild', false)
    .option('--batch-size <n>', 'events per batch', integer, 5000)
    .option('--only <scope>', 'order:<id> or company:<id>: re-fold just those')
    .option('--from <position|time>', 're-fold the orders touched since a journal position or ISO time')
    .action(
      async (projection: string, o: Common & { restart: boolean; batchSize: number; only?: string; from?: string }) =>
        done(
          await rebuild(
            projection,
            readModels(o),
            {
              json: o.json ?? false,
              from: o.from,
              only: o.only,
              restart: o.restart,
              batchSize: o.batchSize || 5000,
            },
            io,
          ),
        ),
    );

  json(
    readModelDb(
      sub(
        root,
        'audit',
        "the order's events in every service's event store (internal ones too): recorded actor, causation; " +
          'combined state',
      ),
    ),
  )
    .argument('<orderId>')
    .option('--as-of <time>', 'only what had occurred by then (ISO-8601)')
    .option('--store-schema <name>', "the services' event-store schema", 'event_store')
    .action(async (orderId: string, o: Common & { asOf?: string }) =>
      done(await audit(orderId, stores(o), readModels(o), { json: o.json ?? false, asOf: o.asOf }, io)),
    );

  json(
    brokers(
      readModelDb(
        sub(root, 'replay', "re-feed one source's public events to a topic: only the types of that topic's contract"),
      ),
    ),
  )
    .option('--order <id>', 'one order')
    .option('--company <id>', 'one company (with --since)')
    .option('--since <time>', 'events since (ISO-8601)')
    .requiredOption('--to-topic <topic>', 'the topic to write to (must exist)')
    .option('--source <service|topic>', 'whose events (required when the target is not a catalogue topic)')
    .option('--type <type>', 'only this message type (repeatable, or comma-separated)', collect)
    .option('--dry-run', 'show what would be sent; send nothing', false)
    .option('--yes', 'do not ask for confirmation on a terminal', false)
    .action(
      async (
        o: Common & {
          order?: string;
          company?: string;
          since?: string;
          toTopic: string;
          source?: string;
          type?: string[];
          dryRun: boolean;
          yes: boolean;
        },
      ) =>
        done(
          await replay(
            readModels(o),
            {
              json: o.json ?? false,
              brokers: brokersOf(o),
              order: o.order,
              company: o.company,
              since: o.since,
              toTopic: o.toTopic,
              source: o.source,
              types: o.type,
              dryRun: o.dryRun,
              yes: o.yes,
            },
            io,
          ),
        ),
    );

  json(readModelDb(sub(root, 'checksum', "deterministic md5 of a read model's content in key order")))
    .addArgument(new Argument('<projection>', PROJECTIONS.join(' | ')).choices(PROJECTIONS))
    .option('--version <n>', 'a summary version (default: the serving one)', integer)
    .action(async (projection: string, o: Common & { version?: number }) =>
      done(await checksum(projection, readModels(o), { json: o.json ?? false, version: o.version }, io)),
    );
  return root;
}

/**
 * Runs one command and answers its exit code; never exits the process itself, so tests can call it. `env` is what
 * main.ts read (the CLI's one read of the environment); without it only the options and the defaults count.
 */
export async function runCli(argv: readonly string[], io: Io, env: Environment = {}): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const root = program(io, env, (c) => {
    code = c;
  });
  try {
    if (argv.length === 0) {
      io.err(root.helpInformation().trimEnd());
      return EXIT.usage;
    }
    await root.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are answers; every other commander error is wrong usage, already explained on stderr.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.err(`ops: ${error.message}\n(add --help for usage)`);
      return EXIT.usage;
    }
    if (error instanceof ProjectorOperationError && error.code === 'NO_READ_MODELS') {
      io.err(`ops: no read models here (${error.message}); has the projector run against this database and schema?`);
      return EXIT.unavailable;
    }
    io.err(`ops: ${(error as Error).message}`);
    return EXIT.unavailable;
  }
}
