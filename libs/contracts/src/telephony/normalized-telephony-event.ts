import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { TELEPHONY_PROVIDERS, type TelephonyProvider } from './telephony-provider';

/** What a provider webhook is about; also the last token of its ingress subject. */
export const TELEPHONY_EVENT_KINDS = ['call-status', 'amd', 'recording', 'subscription', 'generic'] as const;
export type TelephonyEventKind = (typeof TELEPHONY_EVENT_KINDS)[number];

/** Kinds that always concern one call, so they always carry `callId`. */
export const CALL_EVENT_KINDS: readonly TelephonyEventKind[] = ['call-status', 'amd', 'recording'];

/** Our call states; every provider's vocabulary is mapped onto these. */
export const CALL_STATUSES = [
  'initiated',
  'ringing',
  'answered',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** States after which a call never changes again. */
export const TERMINAL_CALL_STATUSES: readonly CallStatus[] = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

/**
 * Who answered, in Twilio's vocabulary (the richest of the providers'): `machine_end_*` says the
 * greeting ended, so a message can be left; other providers map onto the subset they can tell.
 */
export const ANSWERED_BY = [
  'human',
  'machine_start',
  'machine_end_beep',
  'machine_end_silence',
  'machine_end_other',
  'fax',
  'unknown',
] as const;
export type AnsweredBy = (typeof ANSWERED_BY)[number];

export const RECORDING_STATUSES = ['in-progress', 'completed', 'absent', 'failed'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export class RecordingInfo {
  @ApiProperty({ description: "Provider's recording id (Twilio RE…, RingCentral recording id); a hash where none" })
  @IsString()
  @Length(1, 200)
  recordingId: string;

  @ApiProperty({ description: 'Where the provider serves the media (fetch it through the adapter, never directly)' })
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  url: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber()
  @Min(0)
  durationSec?: number;

  @ApiProperty({ enum: RECORDING_STATUSES })
  @IsIn(RECORDING_STATUSES)
  status: RecordingStatus;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  channels?: number;
}

/**
 * One provider event in the fleet's language, as a provider adapter reads it from a webhook (the
 * provider's view: no tenancy yet; webhook-ingest publishes it as a `TelephonyIngressEvent`).
 * Consumers order a call's events by `sequence` where the provider gives one, else by `occurredAt`;
 * they are delivered at least once and deduplicated by `eventId`.
 */
export class NormalizedTelephonyEvent {
  @ApiProperty({
    description:
      'Stable id of the provider event: the provider id where it has one (Twilio CallSid:CallStatus, RecordingSid:RecordingStatus, ' +
      'RingCentral uuid), else a SHA-256 of the canonical payload. Prefixed with the provider and our account key.',
  })
  @IsString()
  @Length(1, 300)
  eventId: string;

  @ApiProperty({ enum: TELEPHONY_PROVIDERS })
  @IsIn(TELEPHONY_PROVIDERS)
  provider: TelephonyProvider;

  @ApiProperty({ description: 'Our key of the provider account the webhook was addressed to' })
  @IsString()
  @Length(1, 100)
  accountKey: string;

  @ApiProperty({ enum: TELEPHONY_EVENT_KINDS })
  @IsIn(TELEPHONY_EVENT_KINDS)
  kind: TelephonyEventKind;

  @ApiPropertyOptional({
    description: "Provider's call id (Twilio CallSid, RingCentral telephonySessionId); set on call kinds",
  })
  @ValidateIf((e: NormalizedTelephonyEvent) => CALL_EVENT_KINDS.includes(e.kind) || e.callId !== undefined)
  @IsString()
  @Length(1, 200)
  callId?: string;

  @ApiPropertyOptional({ description: 'RingCentral party id (needed to transfer that party)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  partyId?: string;

  @ApiPropertyOptional({ enum: CALL_STATUSES, description: 'Set on call-status events (and `answered` on amd events)' })
  @ValidateIf((e: NormalizedTelephonyEvent) => e.kind === 'call-status' || e.status !== undefined)
  @IsIn(CALL_STATUSES)
  status?: CallStatus;

  @ApiPropertyOptional({ enum: ANSWERED_BY })
  @IsOptional()
  @IsIn(ANSWERED_BY)
  answeredBy?: AnsweredBy;

  @ApiPropertyOptional({ type: RecordingInfo })
  @ValidateIf((e: NormalizedTelephonyEvent) => e.kind === 'recording' || e.recording !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => RecordingInfo)
  recording?: RecordingInfo;

  @ApiPropertyOptional({ description: "Provider's ordering number for the call's events, where it gives one" })
  @IsOptional()
  @IsInt()
  @Min(0)
  sequence?: number;

  @ApiPropertyOptional({ description: 'Generic (Standard Webhooks) events: the payload `type`' })
  @ValidateIf((e: NormalizedTelephonyEvent) => e.kind === 'generic' || e.type !== undefined)
  @IsString()
  @Length(1, 200)
  type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 200)
  from?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 200)
  to?: string;

  @ApiPropertyOptional({ description: 'Talk time in seconds, on completed calls where the provider reports it' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  durationSec?: number;

  @ApiProperty({
    description: 'When it happened at the provider (ISO 8601); the receipt time where the provider says nothing',
  })
  @IsISO8601({ strict: true })
  occurredAt: string;

  @ApiProperty({ description: "The provider's original fields, untouched", type: 'object', additionalProperties: true })
  @IsObject()
  raw: Record<string, unknown>;
}

/**
 * What webhook-ingest publishes on `ingress.<provider>.v1.<kind>` (see `ingressSubject`): the
 * normalized event and the organization whose provider account received it, so a consumer reads
 * the tenancy from the body, never from a header.
 */
export class TelephonyIngressEvent extends NormalizedTelephonyEvent {
  @ApiProperty({
    format: 'uuid',
    description: 'The organization owning the provider account the webhook was addressed to',
  })
  @IsUUID()
  orgId: string;
}
