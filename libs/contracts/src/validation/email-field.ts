import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { isEmail, MaxLength, ValidateBy, type ValidationOptions } from 'class-validator';
import { isStorableText } from './storable-text';

/** RFC 5321's limit on a forward path. */
export const EMAIL_MAX_LENGTH = 254;

const normalizeEmail = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

/**
 * validator's isEmail, answering false where it would throw: it measures the byte length with
 * `encodeURI`, which throws URIError on a lone surrogate (a 500 instead of a 400).
 */
export function isEmailAddress(value: unknown): boolean {
  if (typeof value !== 'string' || !isStorableText(value)) return false;
  try {
    return isEmail(value);
  } catch {
    return false;
  }
}

/**
 * Named `isEmail` like class-validator's own, so the documents derived from the rules still say
 * `format: email`.
 */
function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isEmail', validator: { validate: isEmailAddress, defaultMessage: () => '$property must be an email' } },
    options,
  );
}

/**
 * Every email field of the fleet's DTOs: trimmed and lower-cased, a valid address of at most 254
 * characters. Never throws, whatever string arrives: a bad one is a VALIDATION_ERROR like any other.
 */
export function EmailField(): PropertyDecorator {
  const decorators = [
    ApiProperty({ example: 'ada@example.com', format: 'email', maxLength: EMAIL_MAX_LENGTH }),
    Transform(normalizeEmail),
    IsEmailAddress(),
    MaxLength(EMAIL_MAX_LENGTH),
  ];
  return (target, property) => {
    for (const decorate of decorators) decorate(target, property);
  };
}
