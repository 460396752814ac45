/**
 * @orders/contracts: the public contracts between the services. Topic catalogue, versioned integration events per
 * context, the envelope, decoding and classification of consumed messages, and the AsyncAPI document.
 * Imports nothing of ours and no infrastructure packages (ajv validates, yaml renders the AsyncAPI document).
 */
export * from './schema-kit';
export * from './message-definition';
export * from './topics';
export * from './envelope';
export * from './dead-letter';
export * from './intake';
export * from './courier';
export * from './marketplace';
export * from './state';
export * from './catalogue';
export * from './validation';
export * from './contract-message';
export * from './text-rules';
export * from './ids';
export * from './decode';
export * from './inbound-decoder';
export * from './encode';
export * from './retryable';
export * from './asyncapi';
export * from './docs-tables';
export * from './market';
