import type { ServiceDefinition } from '@orders/service-kit';
// A JSON manifest, so scripts and the ops CLI read the same facts without TypeScript. `eventStore: false` tells
// tools (ops verify) that this service keeps no domain event store: its database holds read models and an outbox.
import manifest from '../service.json';

export const projectorService: ServiceDefinition = manifest;
