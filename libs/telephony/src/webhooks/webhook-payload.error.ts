import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';

/**
 * A verified webhook whose body we cannot read as the provider's documented format. A 4xx, so the
 * route answers it like any bad input and never with a 500.
 */
export class WebhookPayloadError extends AppException {
  constructor(
    message: string,
    code: typeof ErrorCode.VALIDATION_ERROR | typeof ErrorCode.UNSUPPORTED_MEDIA_TYPE = ErrorCode.VALIDATION_ERROR,
  ) {
    super(code, message);
    this.name = 'WebhookPayloadError';
  }
}
