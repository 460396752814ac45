// The /ops answers of EventStoreOpsController as the OpenAPI document shows them.

const text = { type: 'string' };

export const SUBSCRIPTION_SCHEMA = {
  type: 'object',
  required: ['name', 'checkpoint', 'behind', 'headPosition', 'leaseOwner', 'leaseExpiresAt', 'updatedAt'],
  properties: {
    name: { type: 'string', example: 'intake-order-board-v2' },
    checkpoint: { type: 'string', description: 'transaction id/global position of the last event handled', example: '249309/0' },
    behind: { type: 'integer', minimum: 0, description: 'events committed after the checkpoint' },
    headPosition: { type: 'string', example: '1042' },
    leaseOwner: { type: 'string', nullable: true, description: 'the live lease holder; null when free or expired' },
    leaseExpiresAt: { type: 'string', format: 'date-time', nullable: true },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

export const VERIFICATION_ANSWER = {
  schema: {
    type: 'object',
    required: ['id', 'ok', 'streams'],
    properties: {
      id: text,
      ok: { type: 'boolean', description: 'every stream named holds its chain (true as well when none is named)' },
      streams: {
        type: 'array',
        items: {
          type: 'object',
          required: ['streamId', 'ok', 'checkedEvents', 'broken'],
          properties: {
            streamId: { type: 'string', example: 'external_order-0190f0a2-7c1e-7a41-9d3b-8a1f2e3c4d5e' },
            ok: { type: 'boolean' },
            checkedEvents: { type: 'integer', minimum: 0 },
            broken: {
              type: 'object', nullable: true, description: 'the first link that does not hold',
              required: ['streamId', 'streamVersion', 'reason', 'message'],
              properties: {
                streamId: text, streamVersion: { type: 'integer', minimum: 1 }, eventId: text, globalPosition: text,
                reason: { type: 'string', enum: ['hash_mismatch', 'prev_hash_mismatch', 'version_gap', 'head_mismatch', 'missing_stream_row'] },
                message: text,
              },
            },
          },
        },
      },
    },
  },
  example: {
    id: '0190f0a2-7c1e-7a41-9d3b-8a1f2e3c4d5e', ok: true,
    streams: [{ streamId: 'external_order-0190f0a2-7c1e-7a41-9d3b-8a1f2e3c4d5e', ok: true, checkedEvents: 3, broken: null }],
  },
};

export const SUBSCRIPTIONS_ANSWER = {
  schema: { type: 'object', required: ['subscriptions'], properties: { subscriptions: { type: 'array', items: SUBSCRIPTION_SCHEMA } } },
  example: {
    subscriptions: [{
      name: 'intake-order-board-v2', checkpoint: '249309/0', behind: 0, headPosition: '1042', leaseOwner: 'vm:29772:90665b',
      leaseExpiresAt: '2026-12-07T21:00:29.000Z', updatedAt: '2026-12-07T20:59:59.000Z',
    }],
  },
};
