import type { HandledTarget } from '../dlq-handled';
import { EXIT, type ExitCode } from '../exit-codes';
import { renderTable, type Io } from '../output';
import { consumerLag, projectorStatus, serviceStatus, type GroupLag } from '../status-sources';
import type { StoreTarget } from '../targets';
import { deadLetterCounts, type DeadLetterCount } from './dlq-overview';

export interface StatusOptions {
  stores: StoreTarget[];
  brokers: string;
  json: boolean;
  /** Where `dlq` keeps its handled marks. */
  marks: HandledTarget;
  /** The projector's database and schemas, when it is asked about (`--service all` or `projector`). */
  projector?: { connection: string; readModelSchema: string; outboxSchema: string };
  /** Only consumer groups and dead-letter topics whose names start with it (a prefixed deployment). */
  prefix?: string;
}

async function settle<T>(work: Promise<T>): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await work };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * `status`: what operators otherwise ask PostgreSQL and Kafka for by hand. Everything it can reach is shown; a
 * part it cannot reach is named, and the exit code is then 3.
 */
export async function status(options: StatusOptions, io: Io): Promise<ExitCode> {
  const [services, lag, letters] = await Promise.all([
    Promise.all([
      ...options.stores.map(serviceStatus),
      ...(options.projector
        ? [
            projectorStatus(
              options.projector.connection,
              options.projector.readModelSchema,
              options.projector.outboxSchema,
            ),
          ]
        : []),
    ]),
    settle(consumerLag(options.brokers, options.prefix)),
    settle(deadLetterCounts(options.brokers, options.marks, options.prefix)),
  ]);
  const errors = [
    ...services.filter((s) => s.error).map((s) => `${s.service}: ${s.error}`),
    ...(lag.error ? [`consumer groups: ${lag.error}`] : []),
    ...(letters.error ? [`dead letters: ${letters.error}`] : []),
  ];
  const groups: GroupLag[] = lag.value ?? [];
  const deadLetters: DeadLetterCount[] = letters.value?.counts ?? [];
  if (options.json) {
    io.out(JSON.stringify({ services, consumerGroups: groups, deadLetters, errors }, null, 2));
  } else {
    io.out(
      [
        'subscriptions and projections (event stores)',
        renderTable(
          ['service', 'subscription', 'kind', 'checkpoint (xid/pos)', 'head', 'behind', 'lease holder', 'lease until'],
          services.flatMap((s) =>
            s.error
              ? [[s.service, `UNREACHABLE: ${s.error}`]]
              : s.subscriptions.map((x) => [
                  x.service,
                  x.name,
                  x.kind,
                  x.checkpoint,
                  x.headPosition,
                  x.behind,
                  x.leaseOwner ?? '-',
                  x.leaseExpiresAt ?? '-',
                ]),
          ),
        ),
        '',
        'read models (projector)',
        renderTable(
          ['projection', 'serving', 'since', 'rebuild under way'],
          services
            .flatMap((s) => s.readModels ?? [])
            .map((r) => [
              r.projection,
              `v${r.servingVersion}`,
              r.switchedAt,
              r.rebuild
                ? `v${r.rebuild.version} ${r.rebuild.processed}/${r.rebuild.total} (${r.rebuild.updatedAt})`
                : '-',
            ]),
        ),
        '',
        'due timers',
        renderTable(
          ['service', 'scheduled', 'due now', 'oldest due', 'retrying'],
          services
            .filter((s) => s.timers)
            .map((s) => [
              s.service,
              s.timers?.scheduled,
              s.timers?.due,
              s.timers?.oldestDueAt ?? '-',
              s.timers?.failing,
            ]),
        ),
        '',
        'calls to Market (marketplace-cancellations connector)',
        renderTable(
          ['service', 'pending', 'retrying', 'sent', 'refused'],
          services
            .filter((s) => s.marketCalls)
            .map((s) => [
              s.service,
              s.marketCalls?.byState.PENDING,
              s.marketCalls?.retrying,
              s.marketCalls?.byState.SENT,
              s.marketCalls?.byState.REFUSED,
            ]),
        ),
        '',
        'last failed calls to Market',
        renderTable(
          ['campaign', 'order', 'operation', 'state', 'attempts', 'status', 'error', 'refused at / next attempt'],
          services
            .flatMap((s) => s.marketCalls?.lastFailures ?? [])
            .map((f) => [f.campaignId, f.orderId, f.operation, f.state, f.attempts, f.status ?? '-', f.error, f.at]),
        ),
        '',
        'consumer groups',
        lag.error
          ? `UNREACHABLE: ${lag.error}`
          : renderTable(
              ['group', 'topic', 'partitions', 'lag'],
              groups.map((g) => [g.groupId, g.topic, g.partitions, g.lag]),
            ),
        '',
        'dead letters',
        letters.error
          ? `UNREACHABLE: ${letters.error}`
          : renderTable(
              ['dead-letter topic', 'letters', 'handled', 'open'],
              deadLetters.map((d) => [d.dlqTopic, d.letters, d.handled ?? '?', d.open ?? '?']),
            ),
      ].join('\n'),
    );
  }
  for (const error of errors) io.err(`ops: ${error}`);
  return errors.length > 0 ? EXIT.unavailable : EXIT.ok;
}
