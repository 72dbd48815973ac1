import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
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
   * The client address is taken that many hops from the socket (pickClientIp), so a client cannot
   * choose its own address (its rate-limit bucket, an IP allow-list) by sending X-Forwarded-For.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  TRUSTED_PROXY_HOPS = 0;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsString()
  @Matches(/^(nats|tls|ws|wss):\/\/[^\s]+$/, {
    message: 'NATS_URL must be a nats:// URL (comma-separated for a cluster)',
  })
  NATS_URL = 'nats://127.0.0.1:4222';

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
