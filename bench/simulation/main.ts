import { marketplaceOrderDecider, type MarketplaceOrderCommand } from '@orders/cancellations-domain';
import { machine, metric, report } from '../lib/report';
import { sweep } from '../../scripts/simulator/report';

// `npm run bench -- simulation [--seeds N] [--steps M]`
// simulation_steps: steps per second of the deterministic simulator (scripts/simulator), every invariant checked
//   after every step, shrinking not included. Baseline: the bare marketplace decider (decide + evolve of a
//   register/decide pair, no store, no transport, no checks), the floor one simulated command cannot go below.

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};

function bareDeciderCommandsPerSecond(count: number): number {
  const started = performance.now();
  for (let i = 0; i < count; i += 2) {
    const ref = { campaignId: '1001', orderId: String(i) };
    const now = new Date(Date.parse('2026-03-02T07:00:00Z') + i * 1000).toISOString();
    const register: MarketplaceOrderCommand = {
      type: 'RegisterBuyerCancellation',
      data: { ...ref, requestId: `r-${i}`, requestedAt: now, orderStatus: 'DELIVERY', paymentType: 'PREPAID' },
      metadata: { now },
    };
    let state = marketplaceOrderDecider.initialState;
    for (const e of marketplaceOrderDecider.decide(register, state)) state = marketplaceOrderDecider.evolve(state, e);
    const decide: MarketplaceOrderCommand = {
      type: 'DecideCancellation',
      data: { ...ref, accepted: true },
      metadata: { now },
    };
    for (const e of marketplaceOrderDecider.decide(decide, state)) state = marketplaceOrderDecider.evolve(state, e);
  }
  return count / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const seeds = argument('seeds', 50);
  const steps = argument('steps', 1000);
  const result = await sweep(1, seeds, steps);
  if (result.failure)
    throw new Error(`an invariant broke during the benchmark: seed ${result.failure.seed} (${result.failure.replay})`);
  const stepsPerSecond = result.steps / ((result.millis - result.shrinkMillis) / 1000);
  const baseline = bareDeciderCommandsPerSecond(200_000);
  report('simulation', machine('none (in-memory store)', 'none (in-memory transport)'), [
    metric(
      'simulation_steps',
      'steps/s',
      stepsPerSecond,
      baseline,
      'bare marketplace decider (decide+evolve), commands/s',
      {
        notes: `${seeds} seeds × ${steps} steps, ${result.events} events, invariants after every step`,
      },
    ),
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
