import { ErrorCode, toStorableText } from '@callfleet/contracts';
import { type ArgumentMetadata, type ValidationError, ValidationPipe } from '@nestjs/common';
import { AppException } from './app.exception';
import { findUnstorableText } from './unstorable-text';

function describe(errors: ValidationError[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = `${prefix}${e.property}`;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...describe(e.children ?? [], `${field}.`)];
  });
}

/** What a request brings: HTTP bodies, query and path parameters, and NATS payloads (Nest calls them `body`). */
const REQUEST_INPUT: ReadonlySet<ArgumentMetadata['type']> = new Set(['body', 'query', 'param']);

/**
 * The fleet's validation: unknown fields refused, types transformed, and, before any DTO rule,
 * every string of the input storable by PostgreSQL. A NUL or a lone surrogate would otherwise pass
 * a `@IsString()` field and fail the INSERT (a 500 DATABASE_ERROR), or throw inside a validator.
 */
export class FleetValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) =>
        new AppException(ErrorCode.VALIDATION_ERROR, 'Validation failed', { fields: describe(errors) }),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (REQUEST_INPUT.has(metadata.type)) {
      const path = findUnstorableText(value);
      if (path !== undefined) {
        const field = toStorableText([metadata.data, path].filter(Boolean).join('.') || metadata.type);
        throw new AppException(ErrorCode.VALIDATION_ERROR, 'Validation failed', {
          fields: [{ field, problems: [`${field} contains a NUL character or a lone UTF-16 surrogate`] }],
        });
      }
    }
    return super.transform(value, metadata);
  }
}

/** One validation pipe for HTTP bodies, query and path parameters and NATS payloads. */
export function createValidationPipe(): ValidationPipe {
  return new FleetValidationPipe();
}
