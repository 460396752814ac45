import { EventStore, type VerificationResult } from '@orders/event-store';
import { EXIT, type ExitCode } from '../exit-codes';
import { renderTable, type Io } from '../output';
import { isMissingRelation } from '../stores';
import type { StoreTarget } from '../targets';

export interface VerifyOptions {
  stream?: string;
  json: boolean;
  /** Broken streams to list per store (the first broken link of each). */
  limit: number;
}

interface StoreReport {
  service: string;
  ok: boolean;
  error?: string;
  /** With --stream: the streams the id matched in this store (itself, or the streams ending with `-<id>`). */
  streams?: string[];
  result?: VerificationResult;
}

/** Read-only: a store opened here never migrates, listens or writes. */
function openStore(target: StoreTarget): EventStore {
  return new EventStore({
    connection: { connectionString: target.connection, max: 2, application_name: 'ops-cli' },
    schema: target.schema,
    notifications: { listen: false, publish: false },
  });
}

async function verifyStreams(store: EventStore, streams: string[]): Promise<VerificationResult> {
  const merged: VerificationResult = { ok: true, checkedStreams: 0, checkedEvents: 0, broken: [] };
  for (const id of streams) {
    const result = await store.verifyStream(id);
    merged.checkedStreams += result.checkedStreams;
    merged.checkedEvents += result.checkedEvents;
    merged.broken.push(...result.broken);
    if (!result.ok) merged.ok = false;
    merged.firstBroken ??= result.firstBroken;
  }
  return merged;
}

async function verifyOne(target: StoreTarget, options: VerifyOptions): Promise<StoreReport> {
  const store = openStore(target);
  try {
    if (options.stream === undefined) {
      const result = await store.verifyAll({ limit: options.limit });
      return { service: target.service, ok: result.ok, result };
    }
    // The id itself, or an order id without the service's stream prefix (`external_order-`, `delivery-`, ...).
    const streams = await store.streamsNamed(options.stream);
    const result = await verifyStreams(store, streams);
    return { service: target.service, ok: result.ok, streams, result };
  } catch (error) {
    const missing = isMissingRelation(error);
    return {
      service: target.service,
      ok: false,
      error: missing
        ? `no event store in schema ${target.schema} (has the service run here?)`
        : (error as Error).message,
    };
  } finally {
    await store.close();
  }
}

/** `verify [--service s] [--stream id]`: recomputes the hash chains and names the first broken link. */
export async function verify(targets: StoreTarget[], options: VerifyOptions, io: Io): Promise<ExitCode> {
  const reports = await Promise.all(targets.map((target) => verifyOne(target, options)));
  const unreachable = reports.some((r) => r.error);
  const broken = reports.some((r) => r.result && !r.result.ok);
  // Checking nothing is not "ok": a mistyped stream id must not pass a script's check.
  const nothingMatched =
    options.stream !== undefined && !unreachable && reports.every((r) => (r.streams ?? []).length === 0);
  if (options.json) {
    io.out(JSON.stringify({ ok: !unreachable && !broken && !nothingMatched, stores: reports }, null, 2));
  } else {
    io.out(
      renderTable(
        ['service', 'streams', 'events', 'result', 'first broken link'],
        reports.map((r) => [
          r.service,
          r.result?.checkedStreams,
          r.result?.checkedEvents,
          r.error ? 'UNREACHABLE' : !r.ok ? 'BROKEN' : r.streams?.length === 0 ? 'no such stream' : 'ok',
          r.error ??
            (r.result?.firstBroken
              ? `${r.result.firstBroken.streamId} v${r.result.firstBroken.streamVersion}: ${r.result.firstBroken.reason} (${r.result.firstBroken.message})`
              : r.streams && r.streams.length > 0
                ? r.streams.join(', ')
                : ''),
        ]),
      ),
    );
  }
  if (broken) return EXIT.problemFound;
  if (nothingMatched) {
    io.err(
      `ops: no stream ${JSON.stringify(options.stream)} (nor one ending with -${options.stream}) in ${targets.map((t) => t.service).join(', ')}; nothing was verified`,
    );
    return EXIT.problemFound;
  }
  return unreachable ? EXIT.unavailable : EXIT.ok;
}
