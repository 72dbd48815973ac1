import { DatabaseServiceConfig } from '@callfleet/persistence';
import { DevDefault } from '@callfleet/platform';
import { Type } from 'class-transformer';
import { IsInt, IsString, IsUrl, Length, Matches, Max, Min } from 'class-validator';

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

  /** The name media-stream's stream carries (the `<Stream name>`), so it can be stopped by name. */
  @IsString()
  CALL_STREAM_NAME = 'callfleet';

  /** What the person who answered hears as the hand-off starts (`<Say>`, before the destination is dialed). */
  @IsString()
  @Length(1, 500)
  HUNT_HANDOFF_GREETING = 'Thank you. Please hold for a moment while we connect you.';

  /** What they hear while the destination is dialed again (it was busy or did not answer). */
  @IsString()
  @Length(1, 500)
  HUNT_HANDOFF_HOLD_MESSAGE = 'Thank you for holding. We are still connecting you, please stay on the line.';

  /** What they hear after the last try, before the call ends. */
  @IsString()
  @Length(1, 500)
  HUNT_HANDOFF_APOLOGY =
    'We are sorry, nobody is available to take your call right now. Thank you for your patience. Goodbye.';

  /** How often the destination is dialed again after the first dial (busy, no answer, failed). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  HUNT_HANDOFF_RETRIES = 2;

  /** The pause after the hold message, before the destination is dialed again. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(300)
  HUNT_HANDOFF_RETRY_SPACING_SEC = 5;

  /** How long each dial of the destination rings (`<Dial timeout>`). */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(600)
  HUNT_HANDOFF_DIAL_TIMEOUT_SEC = 30;

  /** The `<Say voice>` of the hand-off's messages (Twilio: `alice`, `man`, `woman`, `Polly.*`, `Google.*`). */
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'HUNT_HANDOFF_VOICE must be a voice name (letters, digits, . _ -)' })
  HUNT_HANDOFF_VOICE = 'alice';

  /**
   * The winner's call ended while it was being handed off: how long to wait for the `<Dial action>`
   * (which says whether the destination had answered) before the hunt fails `far-end-hung-up`. The
   * status callback and the action race each other.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(120_000)
  HUNT_HANDOFF_HANG_UP_GRACE_MS = 5_000;
}
