import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildAsyncApiDocument, channelIdOf, renderAsyncApiYaml } from './asyncapi';
import { CATALOGUE, MESSAGES } from './catalogue';
import { HEADERS_SCHEMA, REQUIRED_HEADERS } from './envelope';
import { messageId } from './message-definition';
import { dlqTopicOf } from './topics';

const CHECKED_IN = join(__dirname, '..', 'asyncapi.yaml');

type Node = Record<string, unknown>;

/** Follows a local `$ref` (`#/a/b`) in the document; throws when it points nowhere. */
function resolve(document: Node, pointer: string): Node {
  if (!pointer.startsWith('#/')) throw new Error(`not a local reference: ${pointer}`);
  return pointer
    .slice(2)
    .split('/')
    .reduce<Node>((node, token) => {
      const next = node[token.replace(/~1/g, '/').replace(/~0/g, '~')];
      if (next === undefined) throw new Error(`unresolved reference ${pointer} (at ${token})`);
      return next as Node;
    }, document);
}

const deref = (document: Node, node: unknown): Node =>
  typeof (node as Node)['$ref'] === 'string' ? resolve(document, (node as Node)['$ref'] as string) : (node as Node);

function allRefs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(allRefs);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => (key === '$ref' ? [value as string] : allRefs(value)));
}

describe('AsyncAPI document', () => {
  const generated = renderAsyncApiYaml();

  it('is checked in as generated (set UPDATE_ASYNCAPI=1 to regenerate libs/contracts/asyncapi.yaml)', () => {
    if (process.env['UPDATE_ASYNCAPI'] === '1') writeFileSync(CHECKED_IN, generated);
    expect(readFileSync(CHECKED_IN, 'utf8')).toBe(generated);
  });

  const document = parse(generated) as Node;
  const channels = document['channels'] as Record<string, Node>;
  const operations = document['operations'] as Record<string, Node>;

  it('is AsyncAPI 3.0 and parses back to the built document', () => {
    expect(document['asyncapi']).toBe('3.0.0');
    expect(document).toEqual(JSON.parse(JSON.stringify(buildAsyncApiDocument())));
  });

  it('has no dangling references', () => {
    for (const pointer of allRefs(document)) expect(() => resolve(document, pointer)).not.toThrow();
  });

  it('has a channel per topic with its partitions and cleanup policy, and one per dead-letter topic', () => {
    for (const topic of CATALOGUE) {
      const channel = channels[channelIdOf(topic.name)];
      expect(channel?.['address']).toBe(topic.name);
      const kafka = (channel?.['bindings'] as Node)['kafka'] as Node;
      expect(kafka['partitions']).toBe(topic.partitions);
      expect((kafka['topicConfiguration'] as Node)['cleanup.policy']).toEqual([topic.cleanupPolicy]);
      const dlq = channels[`${channelIdOf(topic.name)}Dlq`];
      expect(dlq?.['address']).toBe(dlqTopicOf(topic.name));
      expect(((dlq?.['bindings'] as Node)['kafka'] as Node)['partitions']).toBe(topic.partitions);
      expect(Object.keys(dlq?.['messages'] as Node)).toEqual(['DeadLetter']);
      const dlqHeaders = deref(document, deref(document, (dlq?.['messages'] as Node)['DeadLetter'])['headers']);
      expect(dlqHeaders['required']).toEqual(
        expect.arrayContaining(['dlq-origin-topic', 'dlq-origin-offset', 'dlq-classification', 'dlq-error-message']),
      );
    }
    expect(Object.keys(channels)).toHaveLength(CATALOGUE.length * 2);
  });

  it('describes every message on its channel with its payload schema, headers schema and key', () => {
    for (const definition of MESSAGES) {
      const channel = channels[channelIdOf(definition.topic)] as Node;
      const message = deref(document, (channel['messages'] as Node)[messageId(definition)]);
      expect(message['name']).toBe(definition.name);
      expect(message['x-schema-version']).toBe(definition.version);
      expect(message['x-key-field']).toBe(definition.keyField);
      expect(deref(document, message['payload'])).toEqual(JSON.parse(JSON.stringify(definition.schema)));
      const headers = message['headers'] as { allOf: Node[] };
      expect(deref(document, headers.allOf[0])).toEqual(HEADERS_SCHEMA);
      expect(deref(document, headers.allOf[0])['required'] as string[]).toEqual([...REQUIRED_HEADERS]);
      expect(headers.allOf[1]).toMatchObject({
        properties: {
          'event-type': { const: definition.name },
          'schema-version': { const: String(definition.version) },
        },
      });
      expect((message['examples'] as Node[])[0]?.['payload']).toEqual(definition.example);
    }
  });

  it('has a send and a receive operation per channel, whose messages belong to that channel', () => {
    for (const channelId of Object.keys(channels)) {
      for (const action of ['send', 'receive']) {
        const operation = operations[`${action}${channelId.charAt(0).toUpperCase()}${channelId.slice(1)}`];
        expect(operation?.['action']).toBe(action);
        expect((operation?.['channel'] as Node)['$ref']).toBe(`#/channels/${channelId}`);
        for (const message of operation?.['messages'] as Node[]) {
          expect(message['$ref']).toMatch(new RegExp(`^#/channels/${channelId}/messages/`));
        }
      }
    }
  });
});
