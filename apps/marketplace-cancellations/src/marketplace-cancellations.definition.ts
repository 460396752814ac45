import type { ServiceDefinition } from '@orders/service-kit';
// A JSON manifest, so scripts/start.js and docker-compose checks read the same facts without TypeScript.
import manifest from '../service.json';

export const marketplaceCancellationsService: ServiceDefinition = manifest;
