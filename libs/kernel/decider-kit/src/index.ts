export { command, event, fold } from './decider';
export type { Command, CommandMetadata, Decider, DomainEventMetadata, Event } from './decider';
export { DomainError, isDomainError } from './domain-error';
export type { DomainErrorOptions } from './domain-error';
export { DeciderSpecification } from './decider-specification';
export type { Then, When } from './decider-specification';
export { deepEqual, firstDifference } from './deep-equal';
export type { StoredEventUpcaster } from './upcaster';
