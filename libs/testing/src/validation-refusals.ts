import { createValidationPipe } from '@callfleet/platform';

const pipe = createValidationPipe();

/**
 * The fields the fleet's validation (the pipe every HTTP route and NATS command uses) names when it
 * refuses `body` as a `metatype`, or [] when the body passes. Anything but a VALIDATION_ERROR
 * (a crash inside a validator) is thrown, so a test sees it.
 */
export async function refusedFields(metatype: new () => object, body: unknown): Promise<string[]> {
  try {
    await pipe.transform(body, { type: 'body', metatype });
    return [];
  } catch (error) {
    if ((error as { code?: string }).code !== 'VALIDATION_ERROR') throw error;
    const details = (error as { details?: { fields?: { field: string }[] } }).details;
    return details?.fields?.map((f) => f.field) ?? [];
  }
}

/** `body` as the fleet's validation makes it into a `metatype` (throws when refused). */
export function validated<T extends object>(metatype: new () => T, body: unknown): Promise<T> {
  return pipe.transform(body, { type: 'body', metatype }) as Promise<T>;
}
