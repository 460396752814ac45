// The dead-letter answers as the OpenAPI document shows them (dead-letters.http.controller.ts builds them).

const text = { type: 'string' };
const nullableText = { type: 'string', nullable: true };

const kafkaPosition = {
  type: 'object',
  properties: { topic: text, partition: { type: 'integer', minimum: 0 }, offset: text },
};

const handledMark = {
  type: 'object',
  nullable: true,
  required: ['dlqTopic', 'partition', 'offset', 'action', 'by', 'at', 'note', 'redrivenTo'],
  properties: {
    dlqTopic: { type: 'string', example: 'intake.external-orders.v1.dlq' },
    partition: { type: 'integer', minimum: 0 },
    offset: { type: 'string', example: '0' },
    action: { type: 'string', enum: ['redriven', 'resolved'] },
    by: { type: 'string', example: 'ops' },
    at: { type: 'string', format: 'date-time' },
    note: nullableText,
    redrivenTo: { type: 'string', nullable: true, description: 'topic/partition@offset' },
  },
};

const letter = {
  type: 'object',
  properties: {
    topic: text,
    partition: { type: 'integer', minimum: 0 },
    offset: text,
    origin: { type: 'string', description: 'topic/partition@offset it failed at' },
    eventType: nullableText,
    eventId: nullableText,
    classification: text,
    attempts: { type: 'integer' },
    error: text,
    failedAt: text,
    redrivenFrom: nullableText,
    handled: handledMark,
  },
};

export const DEAD_LETTERS_ANSWER = {
  schema: {
    type: 'object',
    required: ['topics'],
    properties: {
      topics: {
        type: 'array',
        items: {
          type: 'object',
          required: ['topic', 'letters', 'open', 'items'],
          properties: {
            topic: text,
            letters: { type: 'integer', minimum: 0 },
            open: { type: 'integer', minimum: 0 },
            items: { type: 'array', items: letter },
          },
        },
      },
    },
  },
  example: { topics: [] },
};

export const REDRIVE_ANSWER = {
  schema: {
    type: 'object',
    required: ['redriven', 'handled'],
    properties: {
      redriven: {
        type: 'object',
        additionalProperties: true,
        properties: { from: kafkaPosition, to: kafkaPosition },
      },
      handled: handledMark,
    },
  },
  example: {
    redriven: {
      from: { topic: 'intake.external-orders.v1.dlq', partition: 0, offset: '3' },
      to: { topic: 'intake.external-orders.v1', partition: 0, offset: '42' },
    },
    handled: { action: 'redriven', by: 'ops', redrivenTo: 'intake.external-orders.v1/0@42' },
  },
};

export const RESOLVE_ANSWER = {
  schema: { type: 'object', required: ['handled'], properties: { handled: handledMark } },
  example: { handled: { action: 'resolved', by: 'ops', note: 'replayed by hand' } },
};
