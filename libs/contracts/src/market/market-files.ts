import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';

// Where Market's vendored description lives (../../market), and how its YAML files are read.

const ROOT = join(__dirname, '..', '..', 'market');
export const PARTNER_API = 'yandex-market-partner-api/openapi';
export const NOTIFICATIONS_FILE = 'push-notifications/send-notification.yaml';

export type Yaml = Record<string, unknown>;

export const load = (file: string): Yaml => parse(readFileSync(join(ROOT, file), 'utf8')) as Yaml;

export function* yamlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const file = posix.join(dir, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(file);
    else if (entry.name.endsWith('.yaml')) yield file;
  }
}
