import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { TELEPHONY_PROVIDERS, type TelephonyProvider } from './telephony-provider';

/**
 * Request on `calls.v1.flow`: a provider asks what a call should do next (Twilio's voice `Url`,
 * a redirect, a `<Dial action>`). Answered by call-orchestrator within a tight timeout; webhook-ingest
 * falls back to a safe instruction when no answer comes in time.
 */
export class CallFlowRequestDto {
  @ApiProperty({ enum: TELEPHONY_PROVIDERS })
  @IsIn(TELEPHONY_PROVIDERS)
  provider: TelephonyProvider;

  @ApiProperty()
  @IsString()
  @Length(1, 100)
  accountKey: string;

  @ApiProperty({ description: "Provider's call id (Twilio CallSid)" })
  @IsString()
  @Length(1, 200)
  callId: string;

  @ApiProperty()
  @IsString()
  @MaxLength(200)
  from: string;

  @ApiProperty()
  @IsString()
  @MaxLength(200)
  to: string;

  @ApiProperty({
    description: "The provider's other request parameters (CallStatus, AnsweredBy, Digits, DialCallStatus, …)",
    type: 'object',
    additionalProperties: true,
  })
  @IsObject()
  params: Record<string, string | string[]>;

  @ApiPropertyOptional({
    description:
      "The query of the URL the provider called (the orchestrator's own, e.g. `call=<our call id>`: the first " +
      'flow request may come before the provider answered our call request). Signed with the URL.',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject()
  query?: Record<string, string>;
}

/** Reply on `calls.v1.flow`: the instruction document, sent to the provider as is. */
export class CallFlowResponseDto {
  @ApiProperty({ example: 'application/xml' })
  @IsString()
  @Length(1, 100)
  contentType: string;

  @ApiProperty({ example: '<Response><Pause length="1"/><Hangup/></Response>' })
  @IsString()
  @MaxLength(64_000)
  body: string;
}
