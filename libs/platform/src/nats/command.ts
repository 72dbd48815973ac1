import { type CommandDescriptor, ErrorCode, hasNoBody } from '@callfleet/contracts';
import { applyDecorators, UseFilters } from '@nestjs/common';
import { type MessageHandler, MessagePattern } from '@nestjs/microservices';
import { AppException } from '../errors/app.exception';
import { FleetExceptionFilter } from '../errors/fleet-exception.filter';
import { createValidationPipe } from '../errors/validation';

const COMMAND_EXTRA = 'callfleetCommand';

/**
 * Answers a command of libs/contracts: `@Command(AuthCommands.Login) login(@Payload() dto: LoginDto)`.
 * The payload reaches the method only after it passed the descriptor's request class (the fleet's
 * validation pipe: unknown fields refused, types transformed); otherwise the caller gets
 * VALIDATION_ERROR. Every NATS handler is declared this way (NatsRpcServer refuses a bare
 * `@MessagePattern`), so no payload is ever an unchecked cast. Errors leave as the fleet's error
 * reply (FleetExceptionFilter), whatever the handler throws.
 */
export function Command(command: CommandDescriptor): MethodDecorator {
  return applyDecorators(
    MessagePattern(command.subject, { [COMMAND_EXTRA]: command }),
    UseFilters(FleetExceptionFilter),
  );
}

/** The descriptor a handler was declared with, if any. */
export function commandOf(handler: MessageHandler): CommandDescriptor | undefined {
  return handler.extras?.[COMMAND_EXTRA] as CommandDescriptor | undefined;
}

const pipe = createValidationPipe();

/** The command's request, validated and transformed into its class, or VALIDATION_ERROR. */
export async function validateCommandPayload(command: CommandDescriptor, payload: unknown): Promise<unknown> {
  if (hasNoBody(command)) {
    const fields =
      typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? Object.keys(payload) : null;
    if (fields === null) {
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'Validation failed', {
        fields: [{ field: '', problems: ['the request body must be empty or {}'] }],
      });
    }
    if (fields.length > 0) {
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'Validation failed', {
        fields: fields.map((field) => ({ field, problems: [`property ${field} should not exist`] })),
      });
    }
    return {};
  }
  return pipe.transform(payload, { type: 'body', metatype: command.request as new () => object });
}
