import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

/** Bounds of an organization's recording retention: at least a day, at most ten years. */
export const RECORDING_RETENTION_MIN_DAYS = 1;
export const RECORDING_RETENTION_MAX_DAYS = 3650;

/** How long the caller's organization keeps its recordings. */
export class RecordingRetentionDto {
  @ApiProperty({
    type: 'integer',
    minimum: RECORDING_RETENTION_MIN_DAYS,
    maximum: RECORDING_RETENTION_MAX_DAYS,
    example: 90,
  })
  days: number;

  @ApiProperty({ description: "True while the organization has not set its own (the service's default applies)" })
  isDefault: boolean;
}

/** `PUT /recordings/retention`: recordings older than `days` are deleted by the daily retention run. */
export class SetRecordingRetentionDto {
  @ApiProperty({
    type: 'integer',
    minimum: RECORDING_RETENTION_MIN_DAYS,
    maximum: RECORDING_RETENTION_MAX_DAYS,
    example: 30,
  })
  @IsInt()
  @Min(RECORDING_RETENTION_MIN_DAYS)
  @Max(RECORDING_RETENTION_MAX_DAYS)
  days: number;
}
