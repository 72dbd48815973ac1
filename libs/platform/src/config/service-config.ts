import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  type ValidationError,
  validateSync,
} from 'class-validator';

const DEV_DEFAULTS = Symbol('callfleet:dev-defaults');

/**
 * A default that only applies outside production. In production the variable must be set,
 * so a forgotten secret or database URL stops the process instead of silently using a laptop value.
 */
export function DevDefault(value: string): PropertyDecorator {
  return (target, key) => {
    const defaults: Record<string, string> = Reflect.getOwnMetadata(DEV_DEFAULTS, target) ?? {
      ...(Reflect.getMetadata(DEV_DEFAULTS, target) ?? {}),
    };
    defaults[String(key)] = value;
    Reflect.defineMetadata(DEV_DEFAULTS, defaults, target);
  };
}

/** Parses "true"/"false"/"1"/"0" (class-transformer's implicit Boolean("false") would be true). */
export const ToBoolean = () =>
  Transform(({ value }) => (typeof value === 'string' ? ['true', '1', 'yes'].includes(value.toLowerCase()) : value));

/** Variables every service reads. Services extend this class with their own. */
export class BaseServiceConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsString()
  HTTP_HOST = '0.0.0.0';

  /**
   * Reverse proxies in front of the service that append to X-Forwarded-For (1 behind one ingress).
   * Fastify's trustProxy is set from it, so request.ip, request.protocol and request.host read
   * X-Forwarded-For/-Proto/-Host only through that many hops (see trustedProxyHops): with 0, a
   * client cannot choose its own address (its rate-limit bucket, an IP allow-list), scheme or host.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  TRUSTED_PROXY_HOPS = 0;

  /**
   * Slow or bogus senders are cut off (408 with the envelope): the headers must arrive within
   * HTTP_HEADERS_TIMEOUT_MS and the whole request (headers and body) within HTTP_REQUEST_TIMEOUT_MS
   * of its first byte. 0 turns a limit off. The headers limit is at most the request limit.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** A connection on which nothing moves for this long while a request is open is closed (0: never). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  HTTP_IDLE_TIMEOUT_MS = 60_000;

  /**
   * How long an idle kept-alive connection stays open between requests. Above the idle timeout of
   * the load balancer in front (60 s on most), so that the balancer, not we, closes it first.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 72_000;

  /**
   * After answering before a body was read (413, 415, a parser error), the rest of what the client
   * sends is read and dropped, up to this many bytes or this long, before the connection is closed:
   * closing while it still sends would reset the connection, and the client would lose the answer.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1024 * 1024 * 1024)
  HTTP_DRAIN_MAX_BYTES = 16 * 1024 * 1024;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(120_000)
  HTTP_DRAIN_TIMEOUT_MS = 5_000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsString()
  @Matches(/^(nats|tls|ws|wss):\/\/[^\s]+$/, {
    message: 'NATS_URL must be a nats:// URL (comma-separated for a cluster)',
  })
  NATS_URL = 'nats://127.0.0.1:4222';

  /**
   * The service's broker user (its name in the generated nats-server config) and password; both
   * required in production, and one without the other is refused everywhere. Without them the
   * service joins an open broker (a test's, or `npm start`'s of old).
   */
  @ValidateIf((c: BaseServiceConfig) => c.NODE_ENV === 'production' || hasNatsCredential(c))
  @IsString()
  @IsNotEmpty()
  NATS_USER?: string;

  @ValidateIf((c: BaseServiceConfig) => c.NODE_ENV === 'production' || hasNatsCredential(c))
  @IsString()
  @IsNotEmpty()
  NATS_PASSWORD?: string;

  /** CA certificate (PEM file) the broker's TLS certificate is checked against; set for `tls://` URLs. */
  @IsOptional()
  @IsString()
  NATS_TLS_CA_FILE?: string;

  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(120_000)
  NATS_REQUEST_TIMEOUT_MS = 5000;

  /**
   * Prefix for every subject, stream and bucket name. Empty in production; lets a test run or a
   * second environment share one broker without answering each other's requests.
   */
  @IsString()
  @Matches(/^([a-z0-9-]{1,32})?$/, {
    message: 'CALLFLEET_NAMESPACE must be empty or lowercase letters, digits, dashes',
  })
  CALLFLEET_NAMESPACE = '';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_GRACE_MS = 10_000;

  // Read by the services that verify callers' credentials (CallerAuthenticationModule: the gateway,
  // and every service answering public commands for other teams).

  /** An access token naming an unknown `kid` triggers a JWKS refresh at most this often. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  JWKS_REFRESH_MIN_INTERVAL_MS = 30_000;

  /**
   * The key set is also refetched on this schedule, so a key auth stops publishing (retired or
   * compromised) stops verifying tokens without a restart.
   */
  @Type(() => Number)
  @IsInt()
  @Min(10_000)
  JWKS_REFRESH_INTERVAL_MS = 5 * 60_000;

  /** How long an API key's verification by auth is remembered (revocations still apply at once). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10 * 60_000)
  API_KEY_CACHE_TTL_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  API_KEY_CACHE_MAX_ENTRIES = 10_000;
}

function hasNatsCredential(config: BaseServiceConfig): boolean {
  return config.NATS_USER !== undefined || config.NATS_PASSWORD !== undefined;
}

export class ConfigValidationError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration: ${problems.join('; ')}`);
  }
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const own = Object.values(e.constraints ?? {}).map((m) => `${prefix}${e.property}: ${m}`);
    return [...own, ...flatten(e.children ?? [], `${prefix}${e.property}.`)];
  });
}

/**
 * Reads `env` into `schema`, applies dev-only defaults outside production, validates everything,
 * and throws one error naming every bad variable.
 */
export function loadConfig<T extends BaseServiceConfig>(
  service: string,
  schema: new () => T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const source: Record<string, unknown> = { ...env };
  const isProduction = (env.NODE_ENV ?? 'development') === 'production';
  if (!isProduction) {
    const defaults: Record<string, string> = Reflect.getMetadata(DEV_DEFAULTS, schema.prototype) ?? {};
    for (const [key, value] of Object.entries(defaults)) {
      if (source[key] === undefined || source[key] === '') source[key] = value;
    }
  }
  for (const key of Object.keys(source)) if (source[key] === '') delete source[key];
  const config = plainToInstance(schema, source, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) throw new ConfigValidationError(service, flatten(errors));
  return config;
}
