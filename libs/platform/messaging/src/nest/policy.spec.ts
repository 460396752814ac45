import { NonRetryableError } from '../errors';
import { applyPolicy, ignoreMessage, refuseMessage, runCommand } from './policy';
import { CatalogueTopics } from './topic-naming';

describe('applyPolicy (the handler side of a pure policy)', () => {
  it('runs a command, reports an ignored message, and refuses with a non-retryable error', async () => {
    const ran: string[] = [];
    const ignored: string[] = [];
    await applyPolicy(runCommand('cancel'), async (command) => void ran.push(command), (reason) => ignored.push(reason));
    await applyPolicy(ignoreMessage('not ours'), async (command: string) => void ran.push(command), (reason) => ignored.push(reason));
    await expect(applyPolicy(refuseMessage('bad tenant'), async () => undefined)).rejects.toEqual(new NonRetryableError('bad tenant'));
    expect(ran).toEqual(['cancel']);
    expect(ignored).toEqual(['not ours']);
  });
});

describe('CatalogueTopics (one naming scheme)', () => {
  const catalogue = (name: string) =>
    name === 'a.events.v1' ? { partitions: 6, cleanupPolicy: 'delete' as const, retentionMs: 1000 } : undefined;

  it('prefixes topics and groups, reads names back, and provisions as the catalogue says', () => {
    const topics = new CatalogueTopics('test-1.', catalogue);
    expect(topics.name('a.events.v1')).toBe('test-1.a.events.v1');
    expect(topics.group('svc')).toBe('test-1.svc');
    expect(topics.canonical('test-1.a.events.v1')).toBe('a.events.v1');
    expect(topics.spec('test-1.a.events.v1', { deadLetter: true })).toEqual({
      topic: 'test-1.a.events.v1', partitions: 6, configs: { 'cleanup.policy': 'delete', 'retention.ms': '1000' }, deadLetter: true,
    });
    expect(() => topics.spec('test-1.b.v1')).toThrow(/not in the topic catalogue/);
    expect(topics.spec('custom-name', { catalogueName: 'a.events.v1' })).toMatchObject({ topic: 'custom-name', partitions: 6 });
    expect(() => new CatalogueTopics('bad prefix', catalogue)).toThrow(/prefix/);
  });
});
