import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE, MESSAGES } from './catalogue';
import { renderMessagesTable, renderTopicsTable } from './docs-tables';

const README = join(__dirname, '..', 'README.md');

/** Replaces what stands between `<!-- generated:<name>:start ... -->` and `<!-- generated:<name>:end -->`. */
function withSection(text: string, name: string, content: string): string {
  const start = new RegExp(`<!-- generated:${name}:start[^>]*-->\\n`);
  const end = `<!-- generated:${name}:end -->`;
  const startMatch = start.exec(text);
  const endIndex = text.indexOf(end);
  if (!startMatch || endIndex < startMatch.index) throw new Error(`README.md has no generated ${name} section`);
  return `${text.slice(0, startMatch.index + startMatch[0].length)}${content}\n${text.slice(endIndex)}`;
}

describe('README tables', () => {
  it('show the catalogue as it is (set UPDATE_ASYNCAPI=1 to regenerate them)', () => {
    const current = readFileSync(README, 'utf8');
    const generated = withSection(withSection(current, 'topics', renderTopicsTable()), 'messages', renderMessagesTable());
    if (process.env['UPDATE_ASYNCAPI'] === '1') writeFileSync(README, generated);
    expect(readFileSync(README, 'utf8')).toBe(generated);
  });

  it('have a row per topic and per message', () => {
    expect(renderTopicsTable().split('\n')).toHaveLength(CATALOGUE.length + 2);
    expect(renderMessagesTable().split('\n')).toHaveLength(MESSAGES.length + 2);
  });
});
