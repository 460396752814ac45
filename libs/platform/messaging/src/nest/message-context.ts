import { BaseRpcContext } from '@nestjs/microservices';
import type { PoolClient } from 'pg';
import type { HandlerContext, InboundMessage } from '../types';

/** What `@Ctx()` gives a messaging handler: the inbox transaction and where the message came from. */
export class MessageContext extends BaseRpcContext<[InboundMessage, HandlerContext]> {
  get message(): InboundMessage {
    return this.args[0];
  }

  /** The inbox transaction: effects through it commit together with the inbox row. */
  get tx(): PoolClient {
    return this.args[1].tx;
  }

  get attempt(): number {
    return this.args[1].attempt;
  }

  get headers(): Record<string, string> {
    return this.args[0].headers;
  }

  get topic(): string {
    return this.args[0].topic;
  }

  get partition(): number {
    return this.args[0].partition;
  }

  get offset(): string {
    return this.args[0].offset;
  }

  get key(): string | null {
    return this.args[0].key;
  }

  get eventId(): string {
    return this.args[0].id;
  }

  get eventType(): string {
    return this.args[0].type;
  }
}
