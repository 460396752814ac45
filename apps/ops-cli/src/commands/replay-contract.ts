import { messagesOfTopic, TOPICS, type TopicDefinition } from '@orders/contracts';
import { UsageError } from '../exit-codes';

/** What a replay may put on its target topic: the message types of one catalogue topic, from one source. */
export interface ReplayContract {
  /** The catalogue topic whose contract applies (the target itself, or the one it stands in for). */
  contractTopic: string;
  /** The producing service (the journal's `source`). */
  source: string;
  /** The types that will be sent: the contract's, narrowed by `--type`. */
  types: string[];
}

/** The catalogue topic a name is, or stands in for when prefixed (`e2e-1234.intake.order-events.v1`). */
function catalogueTopicOf(topic: string): TopicDefinition | undefined {
  return TOPICS.find((t) => topic === t.name || topic.endsWith(`.${t.name}`) || topic.endsWith(`-${t.name}`));
}

/** `--source` names a service (`intake`) or its integration topic; either way, one catalogue topic. */
function sourceTopic(source: string): TopicDefinition {
  const byTopic = catalogueTopicOf(source);
  const byService = TOPICS.filter(
    (t) => t.kind === 'integration' && (t.producers as readonly string[]).includes(source),
  );
  const found = byTopic ?? (byService.length === 1 ? byService[0] : undefined);
  if (!found) {
    const services = TOPICS.filter((t) => t.kind === 'integration').map((t) => `${t.producers.join('/')} (${t.name})`);
    throw new UsageError(
      `--source ${source} is neither a producing service nor an integration topic; one of: ${services.join(', ')}`,
    );
  }
  return found;
}

/**
 * The journal holds every public event of every source; a topic's consumers expect only its own contract. So the
 * types sent are those the catalogue lists for the target topic; a target outside the catalogue (a scratch topic)
 * has no contract of its own and needs `--source` to say whose contract it receives.
 */
export function replayContract(
  toTopic: string,
  options: { source?: string; types?: readonly string[] },
): ReplayContract {
  const target = catalogueTopicOf(toTopic);
  const source = options.source === undefined ? undefined : sourceTopic(options.source);
  if (!target && !source) {
    throw new UsageError(
      `${toTopic} is not a catalogue topic, so its contract is unknown: give --source <service|topic> to say whose events it takes`,
    );
  }
  const contract = (target ?? source) as TopicDefinition;
  if (target && source && source.name !== target.name) {
    throw new UsageError(
      `--source ${options.source} publishes to ${source.name}, not to ${target.name}: its events would break ${toTopic}'s contract`,
    );
  }
  if (contract.kind !== 'integration')
    throw new UsageError(
      `${contract.name} is not an integration topic (${contract.kind}); replay re-feeds integration events only`,
    );
  const allowed = [...new Set(messagesOfTopic(contract.name).map((m) => m.name))];
  const outside = (options.types ?? []).filter((t) => !allowed.includes(t));
  if (outside.length > 0) {
    throw new UsageError(
      `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not in the contract of ${contract.name}; its types: ${allowed.join(', ')}`,
    );
  }
  const producer = contract.producers.find((p) => p !== 'upstream systems') ?? contract.producers[0];
  return {
    contractTopic: contract.name,
    source: String(producer),
    types: options.types && options.types.length > 0 ? [...new Set(options.types)] : allowed,
  };
}
