export const CONSUMER_LAG_ANSWER = {
  schema: {
    type: 'object',
    required: ['partitions'],
    properties: {
      partitions: {
        type: 'array',
        items: {
          type: 'object',
          required: ['groupId', 'topic', 'partition', 'committed', 'high', 'lag'],
          properties: {
            groupId: { type: 'string' },
            topic: { type: 'string' },
            partition: { type: 'integer', minimum: 0 },
            committed: {
              type: 'string',
              nullable: true,
              description: 'the next offset the group reads; null: none committed',
            },
            high: { type: 'string', description: 'the high watermark (next offset to be written)' },
            lag: {
              type: 'integer',
              minimum: 0,
              description: 'high − committed (nothing committed: what the log holds)',
            },
          },
        },
      },
    },
  },
  example: {
    partitions: [
      { groupId: 'projector', topic: 'intake.order-events.v1', partition: 0, committed: '1812', high: '1815', lag: 3 },
      { groupId: 'projector', topic: 'intake.order-events.v1', partition: 1, committed: null, high: '4', lag: 4 },
    ],
  },
};
