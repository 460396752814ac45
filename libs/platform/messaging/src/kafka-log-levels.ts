import { logLevel } from 'kafkajs';

export type LineLevel = 'error' | 'warn' | 'info';

/**
 * kafkajs logs routine group and cluster events at ERROR: every rebalance ("The coordinator is not aware of this
 * member", a heartbeat answered REBALANCE_IN_PROGRESS), a topic a moment after its creation (no leader yet), a
 * broker that is restarting (connection refused, then a retry that succeeds). Paging on those would teach people to
 * ignore errors, so they are logged at the level of what they mean: rebalances and a cluster settling at info, a
 * broker out of reach at warn (the client retries, /health says Kafka is down meanwhile). Crashes, handler failures
 * and anything not recognised keep kafkajs's level.
 */
export function lineLevel(level: logLevel, message: string, details: Readonly<Record<string, unknown>>): LineLevel {
  const text = `${message} ${typeof details.error === 'string' ? details.error : ''}`;
  if (level === logLevel.ERROR) {
    if (ROUTINE.some((pattern) => pattern.test(text))) return 'info';
    if (UNREACHABLE.some((pattern) => pattern.test(text))) return 'warn';
    return 'error';
  }
  if (level === logLevel.WARN) return ROUTINE.some((pattern) => pattern.test(text)) ? 'info' : 'warn';
  return 'info';
}

/** Group membership and cluster metadata settling: what a healthy cluster does every day. */
const ROUTINE = [
  /rebalanc/i,
  /coordinator is not aware of this member/i,
  /not the correct coordinator/i,
  /coordinator is (loading|not available)/i,
  /There is no leader for this topic-partition/i,
  /does not host this topic-partition/i,
  /leader (election|is not available)/i,
  /Topic with this name already exists/i,
  /member id is not valid/i,
  /specified group generation id is not valid/i,
];

/** The broker is out of reach for now; kafkajs retries and the service's lifecycle restarts what gives up. */
const UNREACHABLE = [
  /^Connection (error|timeout)/i,
  /Failed to connect to (seed )?broker/i,
  /Restarting the consumer/i,
  /Failed to send messages/i,
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/,
  /Closed connection/i,
];
