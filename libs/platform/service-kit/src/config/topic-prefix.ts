import { Matches } from 'class-validator';
import type { Environment } from './service-settings';

/** What a topic prefix may hold: Kafka's own topic characters, short enough to leave room for the catalogue name. */
export const TOPIC_PREFIX_PATTERN = /^[\w.-]{0,100}$/;

/** The rule of a topic prefix, for any settings class that declares one. */
export function IsTopicPrefix(): PropertyDecorator {
  return Matches(TOPIC_PREFIX_PATTERN, { message: 'only letters, digits, ".", "_" and "-" are allowed (at most 100)' });
}

/**
 * The one topic naming scheme's setting: `TOPIC_PREFIX` is prepended to every catalogue topic and every consumer
 * group of a service (empty in production; environments sharing a cluster, e2e runs and specs set their own). A
 * service's settings class extends this one and spreads `TOPIC_PREFIX_DEFAULTS` into its defaults, so every service
 * reads the same variable with the same rule.
 */
export class TopicPrefixVariables {
  @IsTopicPrefix()
  TOPIC_PREFIX!: string;
}

export const TOPIC_PREFIX_DEFAULTS = { TOPIC_PREFIX: '' } as const;

/** The per-service names this variable replaced: still set somewhere, they would silently stop prefixing. */
const RETIRED = ['INTAKE_TOPIC_PREFIX', 'COURIER_TOPIC_PREFIX', 'MARKETPLACE_TOPIC_PREFIX', 'PROJECTOR_TOPIC_PREFIX'];

/** A start-up problem per retired variable still set: a deployment fails loudly rather than share topics. */
export function retiredTopicPrefixProblems(env: Environment): string[] {
  return RETIRED.filter((name) => env[name] !== undefined).map(
    (name) => `${name} is no longer read: set TOPIC_PREFIX (one prefix for every service's topics and groups)`,
  );
}
