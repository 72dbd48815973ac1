import { BaseServiceConfig, DevDefault } from '@callfleet/platform';
import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** `<limit>/<window>`, e.g. `6/15m`: at most `limit` requests per fixed window (s, m or h). */
const RATE_LIMIT_RULE = /^\d{1,9}\/\d{1,6}[smh]$/;
const ruleMessage = (name: string) => `${name} must look like 6/15m (limit per window of s, m or h)`;

export class GatewayConfig extends BaseServiceConfig {
  /** Browser origins allowed to call the API (comma list). Required in production: no silent wildcard. */
  @DevDefault('http://localhost:5173,http://localhost:3000')
  @IsString()
  CORS_ORIGINS: string;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @Matches(RATE_LIMIT_RULE, { message: ruleMessage('RATE_LIMIT_LOGIN') })
  RATE_LIMIT_LOGIN = '6/15m';

  @Matches(RATE_LIMIT_RULE, { message: ruleMessage('RATE_LIMIT_REGISTER') })
  RATE_LIMIT_REGISTER = '5/15m';

  @Matches(RATE_LIMIT_RULE, { message: ruleMessage('RATE_LIMIT_VERIFY_EMAIL') })
  RATE_LIMIT_VERIFY_EMAIL = '5/5m';

  @Matches(RATE_LIMIT_RULE, { message: ruleMessage('RATE_LIMIT_VERIFY_EMAIL_RESEND') })
  RATE_LIMIT_VERIFY_EMAIL_RESEND = '3/2m';

  /** Reset codes are 6 digits: bounding requests per email bounds how many codes an attacker can try. */
  @Matches(RATE_LIMIT_RULE, { message: ruleMessage('RATE_LIMIT_PASSWORD_RESET') })
  RATE_LIMIT_PASSWORD_RESET = '5/15m';

  /**
   * Token refreshes, per refresh token. Refresh draws on this budget instead of the anonymous one, so
   * an office behind one NAT address is not refused when its browsers refresh at the same time.
   */
  @Matches(RATE_LIMIT_RULE, { message: ruleMessage('RATE_LIMIT_REFRESH') })
  RATE_LIMIT_REFRESH = '30/15m';

  /** Every authenticated call, per organization. */
  @Matches(RATE_LIMIT_RULE, { message: ruleMessage('RATE_LIMIT_API') })
  RATE_LIMIT_API = '6000/10m';

  /** Every call without valid credentials (public routes and failed authentication), per client IP. */
  @Matches(RATE_LIMIT_RULE, { message: ruleMessage('RATE_LIMIT_ANONYMOUS') })
  RATE_LIMIT_ANONYMOUS = '100/15m';

  /** Seconds between heartbeat comments on a live events stream (proxies drop idle connections). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(300)
  LIVE_EVENTS_HEARTBEAT_SECONDS = 15;

  /** Open live events streams per organization, on each gateway replica; more answer 429. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  LIVE_EVENTS_MAX_PER_ORG = 20;

  /** Open live events streams on each gateway replica, all organizations together; more answer 429. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  LIVE_EVENTS_MAX_TOTAL = 2_000;

  /**
   * How long a stream may wait for a client that does not read what it was sent: then it gets a
   * final `overflow` event and the connection is closed (it resumes with Last-Event-ID). Below the
   * 30 s after which JetStream deletes a consumer nobody pulls from.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(25_000)
  LIVE_EVENTS_SLOW_CLIENT_MS = 10_000;

  /** Lifetime of a live events ticket (single use, for EventSource, which cannot send headers). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  EVENT_TICKET_TTL_SECONDS = 30;
}
