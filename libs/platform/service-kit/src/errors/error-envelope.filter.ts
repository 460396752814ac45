import { envelopeDialect, errorDialectFilter } from './error-dialect';

/** Every error a service answers leaves through here, in the one envelope, unless its route speaks another dialect. */
export const ErrorEnvelopeFilter = errorDialectFilter('ErrorEnvelopeFilter', envelopeDialect);
