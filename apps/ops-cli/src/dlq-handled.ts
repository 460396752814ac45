import { DeadLetterMarks } from '@orders/messaging';
import { openPool } from './stores';

export { DEFAULT_HANDLED_SCHEMA, letterKey, type HandledMark } from '@orders/messaging';

export interface HandledTarget {
  connection: string;
  schema: string;
}

/** The platform's dead-letter marks (messaging's DeadLetterMarks) on a pool of the CLI's own. */
export class HandledLetters extends DeadLetterMarks {
  constructor(target: HandledTarget) {
    super(openPool(target.connection), target.schema);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
