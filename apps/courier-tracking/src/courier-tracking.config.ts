import { declareSettings, TOPIC_PREFIX_DEFAULTS, TopicPrefixVariables } from '@orders/service-kit';
import { COURIER_TOPICS, CourierTopics } from './publishing/courier-topics';

/** Read by the service kit's configuration, the only reader of the environment; injectable as COURIER_TOPICS. */
export const courierTopicSettings = declareSettings({
  token: COURIER_TOPICS,
  variables: TopicPrefixVariables,
  defaults: TOPIC_PREFIX_DEFAULTS,
  build: (env) => new CourierTopics(env.TOPIC_PREFIX),
});
