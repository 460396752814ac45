import { ValidateIf } from 'class-validator';

/**
 * An optional field that, when sent, must hold a value: absent keeps the current value (or the default), but
 * `null` is validated like any other value and refused. IsOptional lets null through too, and a null for a
 * NOT NULL column or a required setting answered 500.
 */
export const OptionalNotNull = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);
