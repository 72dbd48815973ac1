import { DatabaseServiceConfig } from '@callfleet/persistence';
import { DevDefault, SecretBox, ToBoolean } from '@callfleet/platform';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
} from 'class-validator';

/** Checked at start, so a bad key list stops the process with its name instead of failing the first webhook. */
function IsEncryptionKeyList(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEncryptionKeyList',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => {
          try {
            SecretBox.fromConfig(String(value ?? ''));
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: () =>
          'ENCRYPTION_KEYS must be <kid>:<base64 of 32 bytes>, comma-separated, the sealing key first',
      },
    });
}

export class WebhookIngestConfig extends DatabaseServiceConfig {
  /**
   * Keys sealing provider credentials and webhook secrets at rest: `kid:base64(32 bytes),...`, the
   * first seals, all open (rotation). Dev-only default; production must set its own.
   */
  @DevDefault('dev-2026:ZGV2LW9ubHkta2V5LW5ldmVyLXVzZS1pbi1wcm9kISE=')
  @IsEncryptionKeyList()
  ENCRYPTION_KEYS: string;

  /**
   * How providers reach this service (scheme, host, port; no path), e.g. https://hooks.example.com.
   * Webhook URLs are given out under it, and Twilio signs the URL it called, so it is also the URL
   * checked. Required in production; elsewhere, when unset, each request's scheme and host stand in,
   * read through TRUSTED_PROXY_HOPS only (with 0, X-Forwarded-Host/-Proto are ignored).
   */
  @ValidateIf(
    (config: WebhookIngestConfig) => config.NODE_ENV === 'production' || config.WEBHOOK_PUBLIC_BASE_URL !== undefined,
  )
  @IsDefined({ message: 'WEBHOOK_PUBLIC_BASE_URL must be set in production (the URL providers call and sign)' })
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @Matches(/^[^?#]*[^/?#]$/, { message: 'WEBHOOK_PUBLIC_BASE_URL must not end with / nor carry a query' })
  WEBHOOK_PUBLIC_BASE_URL?: string;

  /** Provider bodies are small (Twilio's a few KB); anything much larger is not a provider. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

  /** Deliveries accepted per provider account and minute, shared by every replica (NATS KV). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WEBHOOK_RATE_LIMIT_PER_MINUTE = 1000;

  /** How long a provider account (and its secrets) is served from memory before it is read again. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10 * 60_000)
  ACCOUNT_CACHE_TTL_MS = 30_000;

  /** A PubAck slower than this answers 503: the provider retries and JetStream drops the repeat. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(30_000)
  PUBLISH_TIMEOUT_MS = 2_000;

  /** Seconds in Retry-After when NATS or the stream is unavailable. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

  /** Twilio waits 15 s for TwiML; the orchestrator must answer well within that. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(10_000)
  CALL_FLOW_TIMEOUT_MS = 1_500;

  /** Pause before hanging up when no call flow came in time. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60)
  CALL_FLOW_FALLBACK_PAUSE_SECONDS = 1;

  /** A whole TwiML document to answer instead of pause-and-hang-up when no call flow came in time. */
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  @Matches(/^\s*(<\?xml[^>]*>\s*)?<Response[\s>]/, { message: 'CALL_FLOW_FALLBACK_TWIML must be a TwiML <Response>' })
  CALL_FLOW_FALLBACK_TWIML?: string;

  /** When the daily cleanup runs, `HH:MM` UTC (a recurring durable job: once a day for all replicas). */
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'RETENTION_CLEANUP_AT_UTC must be HH:MM (UTC)' })
  RETENTION_CLEANUP_AT_UTC = '04:00';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  DELIVERY_LOG_RETENTION_DAYS = 7;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(24 * 90)
  PROCESSED_EVENT_RETENTION_HOURS = 24;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(100_000)
  RETENTION_BATCH_SIZE = 5_000;

  /** RingCentral WebHook subscriptions are asked for this lifetime (seconds); RingCentral's default is 7 days. */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  RINGCENTRAL_SUBSCRIPTION_TTL_SECONDS = 7 * 24 * 3600;

  /** A subscription is renewed once less than this share of its lifetime is left. */
  @Type(() => Number)
  @Min(0.05)
  @Max(0.95)
  RINGCENTRAL_RENEW_AT_REMAINING_FRACTION = 0.25;

  /**
   * Outside production, every new organization gets a Twilio-flavoured provider account pointing
   * at the simulator, so a newcomer can place a call at once. Never in production.
   */
  @ToBoolean()
  @IsBoolean()
  DEV_PROVIDER_ACCOUNTS = true;

  @DevDefault('http://127.0.0.1:3900')
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  DEV_PROVIDER_API_BASE_URL?: string;

  /** The simulator's dev Twilio account (apps/telephony-sim/README.md): dev-only values, not secrets. */
  @DevDefault('AC0123456789abcdef0123456789abcdef')
  @IsOptional()
  @IsString()
  DEV_PROVIDER_ACCOUNT_SID?: string;

  @DevDefault('0123456789abcdef0123456789abcdef')
  @IsOptional()
  @IsString()
  DEV_PROVIDER_AUTH_TOKEN?: string;
}
