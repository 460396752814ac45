import { Matches } from 'class-validator';
import { declareSettings } from '@orders/service-kit';
import { COURIER_TOPICS, CourierTopics } from './publishing/courier-topics';

/** courier-tracking's own variables, validated with the kit's at start-up (a bad one is named with every other). */
class CourierVariables {
  /** Prefixes the topics and consumer groups, so several environments (or test runs) share one cluster. */
  @Matches(/^[\w.-]{0,100}$/, { message: 'only letters, digits, ".", "_" and "-" are allowed' })
  COURIER_TOPIC_PREFIX!: string;
}

/** Read by the service kit's configuration, the only reader of the environment; injectable as COURIER_TOPICS. */
export const courierTopicSettings = declareSettings({
  token: COURIER_TOPICS,
  variables: CourierVariables,
  defaults: { COURIER_TOPIC_PREFIX: '' },
  build: (env) => new CourierTopics(env.COURIER_TOPIC_PREFIX),
});
