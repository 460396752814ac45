import type { OpenedSubject } from '@orders/personal-data';
import type { PositionDecision } from './position-decision';
import { openedCommand, storedCommand, subjectOf } from './stored-decisions';

// A stand-in for the vault's tokens (the real ones are AES-GCM, see the personal-data lib and the int-spec): the
// token names its subject, so opening with another subject's opener is caught here too.
const seal = async (subjectId: string, value: unknown) =>
  `tok.${subjectId}.${Buffer.from(JSON.stringify(value)).toString('base64')}`;
const subject = (subjectId: string): OpenedSubject<unknown> => ({
  record: undefined,
  openValue: <V>(token: string) => {
    const [, owner, body] = token.split('.');
    if (owner !== subjectId) throw new Error('a token of another subject');
    return JSON.parse(Buffer.from(body, 'base64').toString()) as V;
  },
});

const settings = {
  mark_delivered_enabled: true,
  mark_delivered_service_time_coefficient: 0.5,
  depot_mark_delivered_radius: null,
  company_mark_delivered_radius: 100,
};
const base = { companyId: 'c', courierId: 'k', routeId: 'r', deliveryId: 'd-1', subjectId: 'd-1' };
const evaluate: PositionDecision = {
  ...base,
  correlationId: 'corr-1',
  command: {
    type: 'EvaluatePositions',
    points: [{ lat: 55.123456, lon: 37.654321, timestamp: 1 }],
    settings,
    target: { lat: 55.1234, lon: 37.6543 },
  },
};
const start: PositionDecision = {
  ...base,
  command: {
    type: 'StartRoute',
    at: '2026-03-02T08:00:00.000Z',
    position: { lat: 55.9876, lon: 37.1234, time: '2026-03-02T08:00:00.000Z' },
  },
};
const next: PositionDecision = { ...base, command: { type: 'MarkDeliveryNext', at: '2026-03-02T08:00:00.000Z' } };

describe('position decisions as recorded', () => {
  it('hold no coordinate in clear, and open back to the decision', async () => {
    for (const decision of [evaluate, start]) {
      const stored = await storedCommand(decision, seal);
      expect(JSON.stringify(stored)).not.toMatch(/55\.|37\./);
      expect(subjectOf(stored)).toBe('d-1');
      expect(openedCommand(stored, subject('d-1'))).toEqual(decision.command);
    }
    expect((await storedCommand(evaluate, seal)).correlationId).toBe('corr-1');
    expect(await storedCommand(next, seal)).toEqual(next.command);
  });

  it('cannot be applied once the order is erased (no subject found)', async () => {
    expect(openedCommand(await storedCommand(evaluate, seal), undefined)).toBe('erased');
    expect(openedCommand(await storedCommand(start, seal), undefined)).toBe('erased');
  });

  it('still reads rows of earlier versions: numbers in clear, and before that no target', () => {
    const { points, target } = evaluate.command as Extract<PositionDecision['command'], { type: 'EvaluatePositions' }>;
    expect(openedCommand({ type: 'EvaluatePositions', points, settings, target }, undefined)).toEqual(evaluate.command);
    expect(openedCommand({ type: 'EvaluatePositions', points, settings }, undefined)).toBe('needs-target');
    expect(openedCommand(start.command, undefined)).toEqual(start.command);
  });
});
