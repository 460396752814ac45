const PROGRESS_SCHEMA = {
  type: 'object',
  nullable: true,
  description: 'the latest progress line, as `ops rebuild` prints it',
  required: ['projection', 'version', 'phase', 'processed', 'total', 'elapsedMs', 'etaSeconds', 'resumed'],
  properties: {
    projection: { type: 'string' },
    version: { type: 'integer' },
    phase: { type: 'string', enum: ['building', 'switching', 'done'] },
    processed: { type: 'integer' },
    total: { type: 'integer' },
    elapsedMs: { type: 'integer' },
    etaSeconds: { type: 'number', nullable: true },
    resumed: { type: 'boolean' },
  },
};

export const RUN_SCHEMA = {
  type: 'object',
  required: ['projection', 'status', 'startedBy', 'startedAt', 'progress', 'result', 'error'],
  properties: {
    projection: { type: 'string', example: 'order-summary' },
    status: { type: 'string', enum: ['running', 'done', 'failed', 'stopped'] },
    startedBy: { type: 'string', description: 'the principal of the key that started it' },
    startedAt: { type: 'string', format: 'date-time' },
    progress: PROGRESS_SCHEMA,
    result: {
      type: 'object',
      nullable: true,
      required: ['projection', 'version', 'previousVersion', 'processed', 'resumed', 'interrupted', 'durationMs'],
      properties: {
        projection: { type: 'string' },
        version: { type: 'integer' },
        previousVersion: { type: 'integer' },
        processed: { type: 'integer' },
        resumed: { type: 'boolean' },
        interrupted: { type: 'boolean' },
        durationMs: { type: 'integer' },
      },
    },
    error: {
      type: 'object',
      nullable: true,
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

const RUN_EXAMPLE = {
  projection: 'order-summary',
  status: 'running',
  startedBy: 'ops',
  startedAt: '2026-12-07T23:00:00.000Z',
  progress: {
    projection: 'order-summary',
    version: 3,
    phase: 'building',
    processed: 5000,
    total: 120000,
    elapsedMs: 800,
    etaSeconds: 18.4,
    resumed: false,
  },
  result: null,
  error: null,
};

export const START_ANSWER = { status: 202, schema: RUN_SCHEMA, example: RUN_EXAMPLE };

export const CURRENT_ANSWER = {
  schema: { type: 'object', required: ['run'], properties: { run: { ...RUN_SCHEMA, nullable: true } } },
  example: { run: RUN_EXAMPLE },
};

export const EVENTS_ANSWER = {
  description:
    'event `rebuild`, data: the run (as the POST answers it), first as it stands (null: none since the service ' +
    'started), then on each batch and at its end; a `ping` every 15 s.',
  content: {
    'text/event-stream': {
      schema: { type: 'string' },
      example: `event: rebuild\ndata: ${JSON.stringify(RUN_EXAMPLE)}\n\n`,
    },
  },
};
