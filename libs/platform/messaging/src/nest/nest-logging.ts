import { Logger } from '@nestjs/common';
import type { MessagingLogger } from '../kafka';

/**
 * Under this token the service kit provides a `LogScope` binding a message's ids to its pino logger for the whole
 * handling; `startMessaging` hands it to the transport's consumer, so every consumer, policy and dead-letter line
 * carries the message's `event_id` and `correlation_id` without each handler passing them on.
 */
export const MESSAGING_LOG_SCOPE = Symbol.for('@orders/messaging:log-scope');

/**
 * The library's and kafkajs's lines through Nest's logger (pino in a service): the details become fields of the
 * line, not text, and kafkajs's routine lines (info) are kept at info.
 */
export function nestMessagingLogger(context: string): MessagingLogger {
  const logger = new Logger(context);
  return {
    info: (message, details) => logger.log(lineOf(message, details)),
    warn: (message, details) => logger.warn(lineOf(message, details)),
    error: (message, details) => logger.error(lineOf(message, details)),
  };
}

function lineOf(message: string, details: Record<string, unknown> | undefined): string | Record<string, unknown> {
  if (!details || Object.keys(details).length === 0) return message;
  // `msg` is pino's message key; an `error` detail stays a field (pino's `err` would expect an Error).
  return { ...details, msg: message };
}
