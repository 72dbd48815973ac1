import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';

/** The provider's API cannot do this (see the adapter's `capabilities`). */
export class UnsupportedOperationError extends AppException {
  constructor(provider: string, operation: string, hint?: string) {
    super(ErrorCode.BAD_REQUEST, `${provider} does not support ${operation}${hint ? `: ${hint}` : ''}`, {
      provider,
      operation,
    });
    this.name = 'UnsupportedOperationError';
  }
}
