import { CATALOGUE } from './catalogue';
import { dlqTopicOf } from './topics';

/*
 * The README's topic and message tables, generated from the catalogue (a test keeps the README in step, like the
 * AsyncAPI document).
 */

const DAY_MS = 86_400_000;

export function renderTopicsTable(): string {
  const rows = CATALOGUE.map((topic) => [
    `\`${topic.name}\``, String(topic.partitions), topic.key,
    topic.cleanupPolicy === 'compact' ? 'compact' : `delete, ${(topic.retentionMs ?? 0) / DAY_MS} d`,
    topic.producers.join(', '), topic.consumers.join(', '), `\`${dlqTopicOf(topic.name)}\``,
  ]);
  return table(['topic', 'partitions', 'key', 'cleanup', 'producers', 'consumers', 'dead letters'], rows);
}

export function renderMessagesTable(): string {
  const rows = CATALOGUE.flatMap((topic) => topic.messages.map((message) => [
    `\`${topic.name}\``, `\`${message.name}\``, String(message.version), `\`${message.keyField}\``, message.personalData, message.summary,
  ]));
  return table(['topic', 'event-type', 'version', 'key field', 'personal data', 'meaning'], rows);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
