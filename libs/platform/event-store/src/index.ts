export { EventStore } from './event-store';
export type { EventStoreOptions } from './event-store';
export type {
  AppendOptions, AppendResult, Checkpoint, CompanionWrite, EventInput, EventMetadata, ExpectedVersion, Logger, ReadAllOptions, ReadAllPage,
  ReadStreamOptions, RecordedEvent, SubscriptionHandler,
} from './types';
export { START } from './types';
export type { AppendManyOptions, StreamAppend, StreamAppendOutcome } from './append-many';
export {
  AppendNotFirstWrite, ConcurrencyError, DuplicateEventId, EventStoreError, IdempotencyKeyReused, InvalidAppend, SubscriptionLeaseLost,
} from './errors';
export type { Fold, LoadedStream, LoadOptions, SnapshotPolicy } from './aggregate';
export { commandFingerprint, defaultEventInput } from './command-handler';
export { commandMetadataOf } from './command-context';
export type { CommandContext } from './command-context';
export type { BatchCommand, BatchCommandResult, HandleManyOptions } from './command-batch';
export type { Appended, CommandHandler, CommandHandlerConfig, CommandResult, HandleOptions, LoadMode } from './command-handler';
export type { Subscription, SubscriptionErrorContext, SubscriptionOptions } from './subscription';
export type { SubscriptionStatus } from './subscription-sql';
export { subscriptionOverview, type SubscriptionOverview } from './subscription-overview';
export type { Upcaster } from './upcasters';
export type { BrokenLink, BrokenLinkReason, VerificationResult } from './verify';
export { compareCheckpoints } from './read';
export { canonicalJson } from './canonical-json';
export { chainHash, contentHash } from './hash-chain';
export { isUuid, uuidv7, uuidv7Time } from './uuidv7';
export { DEFAULT_SCHEMA, assertSchemaName, eventStoreMigrations, runEventStoreMigrations, runSchemaMigrations } from './migrations';
export type { SchemaMigrationsOptions } from './migrations';
export { withTransaction } from './transaction';
export type { TransactionOptions } from './transaction';
export { createPool } from './pool';
export { continuedContext, failSpan, inSpan, traceparentOf, tracingEnabled, TRACEPARENT } from './tracing';
