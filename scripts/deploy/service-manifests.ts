import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceDefinition } from '@orders/service-kit';

export const root = join(__dirname, '..', '..');

/** Every service shell, as scripts/start.js finds them: apps/<dir>/service.json. */
export function serviceManifests(): (ServiceDefinition & { dir: string })[] {
  const apps = join(root, 'apps');
  return readdirSync(apps)
    .filter((dir) => existsSync(join(apps, dir, 'service.json')))
    .map((dir) => ({ dir, ...(JSON.parse(readFileSync(join(apps, dir, 'service.json'), 'utf8')) as ServiceDefinition) }));
}
