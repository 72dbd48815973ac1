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
  RATE_LIMIT_API = '1000/1h';

  /** Every call without valid credentials (public routes and failed authentication), per client IP. */
  @Matches(RATE_LIMIT_RULE, { message: ruleMessage('RATE_LIMIT_ANONYMOUS') })
  RATE_LIMIT_ANONYMOUS = '100/15m';
}
