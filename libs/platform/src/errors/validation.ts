import { ErrorCode } from '@callfleet/contracts';
import { type ValidationError, ValidationPipe } from '@nestjs/common';
import { AppException } from './app.exception';

function describe(errors: ValidationError[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = `${prefix}${e.property}`;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...describe(e.children ?? [], `${field}.`)];
  });
}

/** One validation pipe for HTTP bodies and NATS payloads: unknown fields refused, types transformed. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new AppException(ErrorCode.VALIDATION_ERROR, 'Validation failed', { fields: describe(errors) }),
  });
}
