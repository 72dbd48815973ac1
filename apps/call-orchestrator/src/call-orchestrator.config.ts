import { DatabaseServiceConfig } from '@callfleet/persistence';
import { DevDefault } from '@callfleet/platform';
import { Type } from 'class-transformer';
import { IsInt, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

export class CallOrchestratorConfig extends DatabaseServiceConfig {
  /**
   * webhook-ingest's public base URL (what providers call and sign): every call's status callback and
   * voice URL are under it. Dev default: webhook-ingest on this machine (npm start); compose sets its own.
   */
  @DevDefault('http://127.0.0.1:3001')
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @Matches(/^[^?#]*[^/?#]$/, { message: 'WEBHOOKS_PUBLIC_BASE_URL must not end with / nor carry a query' })
  WEBHOOKS_PUBLIC_BASE_URL: string;

  /** media-stream's public WebSocket URL (what providers connect their media streams to). */
  @DevDefault('ws://127.0.0.1:3002')
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['ws', 'wss'] })
  @Matches(/^[^?#]*[^/?#]$/, { message: 'MEDIA_STREAM_PUBLIC_URL must not end with / nor carry a query' })
  MEDIA_STREAM_PUBLIC_URL: string;

  /** Per provider request: the answer must come within this (libs/resilience retries within its own budget). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  CALL_PROVIDER_TIMEOUT_MS = 5_000;

  /** How long an outbound leg rings before the provider gives up (no-answer). */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(600)
  CALL_RING_TIMEOUT_SEC = 60;

  /**
   * How long the keep-open TwiML pauses before it asks the flow again (`<Pause>` + `<Redirect>`):
   * long enough to cost little, short enough that a lost call update is noticed.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  CALL_KEEP_OPEN_PAUSE_SEC = 600;

  /** Lines whose hunt is gone keep their lease at most this long past the hunt's deadline; a timer reclaims them. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(24 * 3600_000)
  LINE_LEASE_GRACE_MS = 10 * 60_000;

  /** How often expired line leases are reclaimed. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(3600_000)
  LINE_LEASE_RECLAIM_EVERY_MS = 60_000;

  /**
   * The longest a single call lasts (the provider's `TimeLimit`, Twilio's default 4 h); its line's
   * lease runs out this long (plus ringing and LINE_LEASE_GRACE_MS) after the call was created.
   */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(24 * 3600)
  SINGLE_CALL_MAX_DURATION_SEC = 4 * 3600;

  /** The name media-stream's stream carries (the `<Stream name>`), so it can be stopped by name. */
  @IsString()
  CALL_STREAM_NAME = 'callfleet';
}
