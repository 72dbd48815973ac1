import { DevDefault } from '@callfleet/platform';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { RecordingStoreConfig } from './storage/recording-store.config';

export class RecordingPipelineConfig extends RecordingStoreConfig {
  /** Download attempts of one recording before it is `failed` with the reason of the last one. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  RECORDING_DOWNLOAD_ATTEMPTS = 5;

  /** Per provider request: headers must arrive within this (libs/resilience timeout). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  RECORDING_PROVIDER_TIMEOUT_MS = 10_000;

  /** The longest one copy may take end to end (a 2 h call at a slow provider still fits). */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(6 * 3600_000)
  RECORDING_COPY_TIMEOUT_MS = 30 * 60_000;

  /** While the store cannot be reached, downloads wait this long between looks, without using up attempts. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(10 * 60_000)
  RECORDING_STORE_RETRY_MS = 15_000;

  /** Larger recordings are refused as they stream (`too-large`), before the rest is read. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  RECORDING_MAX_BYTES = 2 * 1024 ** 3;

  /** The local driver's folder (RECORDINGS_STORE=local). */
  @IsString()
  RECORDINGS_LOCAL_DIR = '.data/recordings';

  /**
   * The gateway's public base URL (what browsers reach): the local driver's signed object URLs point at
   * its `/api/v1/recordings/objects`, which it serves without a bearer token. Default: the gateway on
   * this machine at its default port (npm start); set it wherever the gateway has another address.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @Matches(/^[^?#]*[^/?#]$/, { message: 'GATEWAY_PUBLIC_URL must not end with / nor carry a query' })
  GATEWAY_PUBLIC_URL?: string;

  /** How long an organization keeps recordings unless it set its own (org_retention). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  RECORDING_RETENTION_DAYS = 90;

  /** When the daily retention run starts, `HH:MM` UTC (a recurring durable job: once a day for all replicas). */
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'RECORDING_RETENTION_AT_UTC must be HH:MM (UTC)' })
  RECORDING_RETENTION_AT_UTC = '03:30';

  /** Recordings deleted per retention batch (each batch commits on its own). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  RECORDING_RETENTION_BATCH_SIZE = 200;

  /**
   * Signs the short-lived content links the gateway streams recordings from (this service's HTTP
   * port). Dev-only default; production must set its own.
   */
  @DevDefault('dev-only-recording-link-secret-change-me')
  @IsString()
  @MinLength(32)
  RECORDING_LINK_SECRET: string;

  /** How the gateway reaches this service's HTTP port (compose: http://recording-pipeline:3005); default: its own address. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  RECORDING_INTERNAL_BASE_URL?: string;
}
