import { performance } from 'node:perf_hooks';
import {
  emmettAppendNew, emmettCheckStream, emmettCount, EmmettLogReader, type EmmettPeer,
} from './emmett-peer';
import {
  BATCH, COMMAND_WORKERS, COMMANDS_PER_WORKER, parallel, READ_PAGE, timed, TX_PER_WRITER, WRITERS,
} from './workloads';

/** append_batched on the peer: the same writers, transactions and batch size as ours; events/s. */
export async function peerAppendBatched(peer: EmmettPeer, round: string): Promise<number> {
  const ms = await timed(() => parallel(WRITERS, async (w) => {
    for (let t = 0; t < TX_PER_WRITER; t++) await emmettAppendNew(peer, `peer-${round}-${w}-${t}`, BATCH);
  }));
  await emmettCheckStream(peer, `peer-${round}-0-0`, BATCH);
  return (WRITERS * TX_PER_WRITER * BATCH) / (ms / 1000);
}

/** The Count command on the peer: the same concurrent workers, one stream each; latencies and elapsed ms. */
export async function peerCommands(peer: EmmettPeer, round: string): Promise<{ latencies: number[]; ms: number }> {
  const latencies: number[] = [];
  const ms = await timed(() => parallel(COMMAND_WORKERS, async (w) => {
    for (let i = 0; i < COMMANDS_PER_WORKER; i++) {
      const start = performance.now();
      await emmettCount(peer, `peer-cmd-${round}-${w}`);
      latencies.push(performance.now() - start);
    }
  }));
  for (let w = 0; w < COMMAND_WORKERS; w++) await emmettCheckStream(peer, `peer-cmd-${round}-${w}`, COMMANDS_PER_WORKER);
  return { latencies, ms };
}

/** What the peer's read_all returned against what was appended. */
export interface PeerRead { rate: number; missing: number; duplicated: number }

/** How long the check keeps pulling, as the peer's puller would, for events held back by its horizon. */
const SETTLE_MS = 5_000;
const PULL_EVERY_MS = 50;

/**
 * read_all on the peer: the rate is that of the first catch-up (pages until an empty one). The peer's horizon is
 * the server-wide snapshot xmin, so another session's open transaction can hold its newest events back; the check
 * then keeps pulling, untimed, as its puller would, and records (does not throw) what never came or came twice:
 * its pages are ordered by (transaction_id, global_position) but keyed on global_position alone, so with
 * concurrent writers a page boundary can skip or repeat events — a property of the peer shown next to its rate.
 */
export async function peerReadAll(peer: EmmettPeer): Promise<PeerRead> {
  const reader = new EmmettLogReader(peer, READ_PAGE);
  let read = 0;
  const ms = await timed(async () => { read = await reader.catchUp(); });
  const deadline = Date.now() + SETTLE_MS;
  while (new Set(reader.positions).size < peer.appended && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, PULL_EVERY_MS));
    await reader.catchUp();
  }
  const distinct = new Set(reader.positions).size;
  return { rate: read / (ms / 1000), missing: peer.appended - distinct, duplicated: reader.positions.length - distinct };
}
