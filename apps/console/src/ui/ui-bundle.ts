import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The page's files, built once at start-up from the npm packages in node_modules: nothing is fetched at run time. */
export interface UiBundle {
  readonly html: string;
  readonly script: string;
  readonly style: string;
}

const UI_DIR = join(__dirname, '..', '..', 'ui');

export async function buildUi(): Promise<UiBundle> {
  const result = await build({
    entryPoints: [join(UI_DIR, 'main.ts')],
    bundle: true, minify: true, format: 'esm', target: 'es2022', write: false, legalComments: 'none',
  });
  return {
    html: readFileSync(join(UI_DIR, 'index.html'), 'utf8'),
    script: result.outputFiles[0].text,
    style: readFileSync(join(UI_DIR, 'console.css'), 'utf8'),
  };
}
