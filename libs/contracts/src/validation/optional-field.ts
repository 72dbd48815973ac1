import { ValidateIf } from 'class-validator';

/**
 * The field may be left out; when it is there — `null` included — it must pass its rules. Unlike
 * `@IsOptional()`, which lets `null` through as if absent: a patch's `{"name": null}` would then
 * reach a NOT NULL column (a 500) or a `.map` on null.
 */
export function OptionalField(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}
