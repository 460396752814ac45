import { EventStore, type VerificationResult } from '@orders/event-store';
import { EXIT, type ExitCode } from '../exit-codes';
import { renderTable, type Io } from '../output';
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

async function verifyOne(target: StoreTarget, options: VerifyOptions): Promise<StoreReport> {
  const store = openStore(target);
  try {
    const result = options.stream ? await store.verifyStream(options.stream) : await store.verifyAll({ limit: options.limit });
    return { service: target.service, ok: result.ok, result };
  } catch (error) {
    // 42P01: the schema has no events table, i.e. the service never started against this database.
    const missing = (error as { code?: string }).code === '42P01';
    return { service: target.service, ok: false, error: missing ? `no event store in schema ${target.schema} (has the service run here?)` : (error as Error).message };
  } finally {
    await store.close();
  }
}

/** `verify [--service s] [--stream id]`: recomputes the hash chains and names the first broken link. */
export async function verify(targets: StoreTarget[], options: VerifyOptions, io: Io): Promise<ExitCode> {
  const reports = await Promise.all(targets.map((target) => verifyOne(target, options)));
  const unreachable = reports.some((r) => r.error);
  const broken = reports.some((r) => r.result && !r.result.ok);
  if (options.json) {
    io.out(JSON.stringify({ ok: !unreachable && !broken, stores: reports }, null, 2));
  } else {
    io.out(renderTable(['service', 'streams', 'events', 'result', 'first broken link'], reports.map((r) => [
      r.service, r.result?.checkedStreams, r.result?.checkedEvents,
      r.error ? 'UNREACHABLE' : r.ok ? 'ok' : 'BROKEN',
      r.error ?? (r.result?.firstBroken
        ? `${r.result.firstBroken.streamId} v${r.result.firstBroken.streamVersion}: ${r.result.firstBroken.reason} (${r.result.firstBroken.message})`
        : ''),
    ])));
  }
  if (broken) return EXIT.problemFound;
  return unreachable ? EXIT.unavailable : EXIT.ok;
}
