// Proves the lint really enforces the layering: fed source text placed in a domain lib, ESLint must
// reject framework imports and cross-context imports, and accept the decider kit.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..');

async function lint(file: string, code: string): Promise<string[]> {
  // Jest's module sandbox cannot run ESLint's dynamic import of the config file, so hand it over.
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: require('../../eslint.config.js') });
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('module boundaries', () => {
  beforeAll(() => {
    // The Nx rule reads the cached project graph; compute it as `npm run lint` does.
    execFileSync(process.execPath, [require.resolve('nx/bin/nx.js'), 'show', 'projects'], { cwd: root, stdio: 'ignore' });
  }, 60_000);

  const domainFile = 'libs/ordering/domain/src/boundary-probe.ts';

  it('rejects a domain lib importing @nestjs/common', async () => {
    const messages = await lint(domainFile, "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n");
    expect(messages.join('\n')).toMatch(/@nx\/enforce-module-boundaries: .*@nestjs\/common/);
  });

  it.each(['typeorm', 'kafkajs', 'pg', 'class-validator'])('rejects a domain lib importing %s', async (pkg) => {
    const messages = await lint(domainFile, `import * as banned from '${pkg}';\nexport const x = banned;\n`);
    expect(messages.some((m) => m.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('rejects a domain lib importing another context or the platform', async () => {
    const cross = await lint(domainFile, "import * as other from '@orders/delivery-domain';\nexport const x = other;\n");
    const platform = await lint(domainFile, "import * as store from '@orders/event-store';\nexport const x = store;\n");
    expect(cross.some((m) => m.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
    expect(platform.some((m) => m.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('rejects reading the clock in domain code', async () => {
    const messages = await lint(domainFile, 'export const now = () => Date.now();\n');
    expect(messages.some((m) => m.startsWith('no-restricted-syntax'))).toBe(true);
  });

  it('accepts a domain lib importing the decider kit', async () => {
    const messages = await lint(domainFile, "import * as kit from '@orders/decider-kit';\nexport const x = kit;\n");
    expect(messages).toEqual([]);
  });
});
