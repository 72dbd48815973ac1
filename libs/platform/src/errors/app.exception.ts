import { ERROR_HTTP_STATUS, type ErrorCode } from '@callfleet/contracts';

/**
 * The one exception the fleet throws on purpose. It carries a code from the closed list, so HTTP
 * answers and NATS error replies say the same thing.
 */
export class AppException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppException';
  }

  get status(): number {
    return ERROR_HTTP_STATUS[this.code];
  }
}
