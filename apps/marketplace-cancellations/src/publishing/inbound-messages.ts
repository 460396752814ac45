import { createInboundDecoder } from '@orders/contracts';
import type { Decoder } from '@orders/messaging';

/**
 * Decodes with the catalogue's schemas. Specs run on their own topic names, so each configured topic is read as
 * the catalogue topic it stands for.
 */
export const catalogueDecoder = (canonicalTopic: Readonly<Record<string, string>>): Decoder => createInboundDecoder({ topicAliases: canonicalTopic });
