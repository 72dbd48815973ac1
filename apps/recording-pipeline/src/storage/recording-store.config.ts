import { DatabaseServiceConfig } from '@callfleet/persistence';
import { DevDefault, ToBoolean } from '@callfleet/platform';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength, ValidateIf } from 'class-validator';

const isS3 = (config: RecordingStoreConfig) => config.RECORDINGS_STORE === 's3';

/** Which store keeps the recordings and how to reach it: the recording pipeline's config extends this. */
export class RecordingStoreConfig extends DatabaseServiceConfig {
  /** `local` (a folder) is the default outside production only: production says which. */
  @DevDefault('local')
  @IsIn(['local', 's3'])
  RECORDINGS_STORE: 'local' | 's3';

  /** Incomplete uploads (multipart, or partial local files) older than this are removed. */
  @Type(() => Number)
  @IsInt()
  @Min(60_000)
  RECORDINGS_INCOMPLETE_MAX_AGE_MS = 6 * 3_600_000;

  /** How often the store is swept for them (a recurring durable job: one sweep for all replicas). */
  @Type(() => Number)
  @IsInt()
  @Min(60_000)
  RECORDINGS_CLEANUP_INTERVAL_MS = 15 * 60_000;

  /** s3: the bucket. */
  @ValidateIf(isS3)
  @IsString()
  @MinLength(3)
  S3_BUCKET?: string;

  /** s3: AWS region, or what the provider asks for (`auto` on R2, `us-east-1` on MinIO). */
  @IsString()
  S3_REGION = 'us-east-1';

  /** s3: anything but AWS: Wasabi `https://s3.<region>.wasabisys.com`, R2 `https://<account>.r2.cloudflarestorage.com`, MinIO. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  S3_ENDPOINT?: string;

  /** s3: `endpoint/bucket/key` URLs instead of `bucket.endpoint/key` (MinIO and most self-hosted servers). */
  @ToBoolean()
  @IsBoolean()
  S3_FORCE_PATH_STYLE = false;

  /** s3: static credentials; unset, the SDK's chain is used (AWS_* variables, profile, instance or pod role). */
  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @ValidateIf((config: RecordingStoreConfig) => config.S3_ACCESS_KEY_ID !== undefined)
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /** s3: server-side encryption of every object (unset: the bucket's default). */
  @IsOptional()
  @IsIn(['AES256', 'aws:kms'])
  S3_SSE?: 'AES256' | 'aws:kms';

  /** s3: the KMS key for `S3_SSE=aws:kms` (unset: the account's default key). */
  @IsOptional()
  @IsString()
  S3_SSE_KMS_KEY_ID?: string;

  /** s3: multipart part size; one upload holds about part size × queue size in memory. */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(512)
  S3_PART_SIZE_MB = 8;

  /** s3: parts of one upload in flight at once. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(16)
  S3_UPLOAD_QUEUE_SIZE = 4;
}
