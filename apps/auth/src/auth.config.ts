import { DatabaseServiceConfig } from '@callfleet/persistence';
import { DevDefault } from '@callfleet/platform';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy } from 'class-validator';
import { keyFiles } from './tokens/signing-keys';

/**
 * In production the key directory must already hold a key: checked with the rest of the config,
 * so a bad deployment stops before it opens any connection. Elsewhere a missing key is generated.
 */
function HoldsSigningKeysInProduction(): PropertyDecorator {
  return ValidateBy({
    name: 'holdsSigningKeysInProduction',
    validator: {
      validate: (dir: unknown, args) =>
        (args?.object as { NODE_ENV?: string } | undefined)?.NODE_ENV !== 'production' ||
        (typeof dir === 'string' && keyFiles(dir).length > 0),
      defaultMessage: () => 'must be a directory holding at least one <kid>.pem Ed25519 private key in production',
    },
  });
}

export class AuthConfig extends DatabaseServiceConfig {
  /**
   * Directory of `<kid>.pem` PKCS8 Ed25519 private keys. The newest kid (by name) signs; all are
   * published in the JWKS. Outside production a key is generated when the directory is empty.
   */
  @DevDefault('.data/keys')
  @IsString()
  @MinLength(1)
  @HoldsSigningKeysInProduction()
  JWT_KEYS_DIR: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_TTL_DAYS = 30;

  /** Invitations wait for a person, not a browser tab: they live longer than reset codes. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  INVITATION_CODE_TTL_HOURS = 72;

  /**
   * Secret mixed into the hash of the 6-digit codes, so a leaked table cannot be brute-forced
   * offline in a million tries. Required in production.
   */
  @DevDefault('dev-only-verification-code-pepper')
  @IsString()
  @MinLength(16)
  CODE_PEPPER: string;

  /** `smtp://user:pass@host:587` or `smtps://...`; without it codes go to the log (dev) or nowhere (production). */
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM = 'Callfleet <no-reply@callfleet.local>';
}
