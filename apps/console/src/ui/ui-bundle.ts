import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The page's files, built once at start-up from the npm packages in node_modules: nothing is fetched at run time. */
export interface UiBundle {
  readonly html: string;
  readonly script: string;
  readonly style: string;
}

const UI_DIR = join(__dirname, '..', '..', 'ui');
// From the sources main.ts; in an image, where npm run build compiled the tree into dist/ and no .ts is left, the
// compiled main.js (esbuild bundles its CommonJS the same way).
const entry = (): string =>
  ['main.ts', 'main.js'].map((name) => join(UI_DIR, name)).find(existsSync) ?? join(UI_DIR, 'main.ts');

export async function buildUi(): Promise<UiBundle> {
  const result = await build({
    entryPoints: [entry()],
    bundle: true, minify: true, format: 'esm', target: 'es2022', write: false, legalComments: 'none',
  });
  return {
    html: readFileSync(join(UI_DIR, 'index.html'), 'utf8'),
    script: result.outputFiles[0].text,
    style: readFileSync(join(UI_DIR, 'console.css'), 'utf8'),
  };
}
