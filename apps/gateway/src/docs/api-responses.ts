import { ErrorCode, type HttpErrorEnvelope } from '@callfleet/contracts';
import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/** OpenAPI shape of the fleet's HTTP error envelope (the contract is HttpErrorEnvelope). */
export class ErrorEnvelopeDto implements HttpErrorEnvelope {
  @ApiProperty({ example: 'Validation failed' }) error: string;
  @ApiProperty({ enum: Object.values(ErrorCode), example: ErrorCode.VALIDATION_ERROR }) code: ErrorCode;
  @ApiProperty({ description: 'Echo of X-Request-Id (or the one generated)' }) requestId: string;
  @ApiProperty({ format: 'date-time' }) timestamp: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'e.g. the fields that failed' })
  details?: unknown;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON, unknown fields or invalid values (VALIDATION_ERROR, BAD_REQUEST)',
  401: 'Missing, invalid, expired or revoked credentials (MISSING_CREDENTIALS, INVALID_TOKEN, TOKEN_EXPIRED, INVALID_CREDENTIALS)',
  403: 'The caller’s role may not do this (INSUFFICIENT_PERMISSIONS)',
  404: 'Not found, or it belongs to another organization (NOT_FOUND)',
  409: 'Conflicts with the current state: already exists (DUPLICATE_ENTRY), in use or no longer possible (CONFLICT, STATE_CONFLICT)',
  413: 'Body larger than the limit (PAYLOAD_TOO_LARGE)',
  415: 'Body is not JSON (UNSUPPORTED_MEDIA_TYPE)',
  429: 'Rate limit exceeded (RATE_LIMIT_EXCEEDED); retry after Retry-After seconds',
  502: 'The telephony provider failed or answered something malformed (EXTERNAL_SERVICE_ERROR)',
  503: 'A backing service is unavailable (SERVICE_UNAVAILABLE)',
};

/** Statuses every API route can answer with. */
const COMMON_ERRORS = [400, 413, 415, 429, 503];

/** Documents the error answers of a route (the common ones are always added). */
export function ApiErrors(...statuses: number[]) {
  const all = [...new Set([...statuses, ...COMMON_ERRORS])].sort();
  return applyDecorators(
    ...all.map((status) =>
      ApiResponse({
        status,
        description: ERROR_DESCRIPTIONS[status],
        type: ErrorEnvelopeDto,
        ...(status === 429
          ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
          : {}),
      }),
    ),
  );
}

/** Documents a `{items: T[]}` answer (ListDto). */
export function ApiListResponse(model: Type) {
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({
      status: 200,
      schema: {
        type: 'object',
        required: ['items'],
        properties: { items: { type: 'array', items: { $ref: getSchemaPath(model) } } },
      },
    }),
  );
}
