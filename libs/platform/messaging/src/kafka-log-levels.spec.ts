import { logLevel } from 'kafkajs';
import { lineLevel } from './kafka-log-levels';

describe('kafkajs log levels', () => {
  it.each([
    ['The coordinator is not aware of this member, re-joining the group', {}],
    ['Response Heartbeat(key: 12, version: 3)', { error: 'The group is rebalancing, so a rejoin is needed' }],
    ['Response Metadata(key: 3, version: 6)', { error: 'There is no leader for this topic-partition as we are in the middle of a leadership election' }],
    ['Response CreateTopics(key: 19, version: 3)', { error: 'Topic with this name already exists' }],
  ])('puts routine group and cluster events at info: %s', (message, details) => {
    expect(lineLevel(logLevel.ERROR, message, details)).toBe('info');
  });

  it('puts a rebalance kafkajs warns about at info', () => {
    expect(lineLevel(logLevel.WARN, 'The group is rebalancing, re-joining', {})).toBe('info');
  });

  it.each([
    ['Connection error: connect ECONNREFUSED 127.0.0.1:19092', {}],
    ['Connection timeout', {}],
    ['Failed to connect to seed broker, trying another broker from the list: Connection error', {}],
    ['Restarting the consumer in 300ms', {}],
  ])('puts a broker out of reach at warn: %s', (message, details) => {
    expect(lineLevel(logLevel.ERROR, message, details)).toBe('warn');
  });

  it('keeps crashes, handler failures and the unknown at error', () => {
    expect(lineLevel(logLevel.ERROR, 'Crash: KafkaJSNonRetriableError: Invalid partition metadata', {})).toBe('error');
    expect(lineLevel(logLevel.ERROR, 'Error when calling eachBatch', { error: 'boom' })).toBe('error');
    expect(lineLevel(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', { error: 'The request included a message larger than the max message size' }))
      .toBe('error');
  });
});
