import { IsString, Matches } from 'class-validator';
import { BaseServiceConfig, ConfigValidationError, DevDefault, loadConfig } from './service-config';

class ExampleConfig extends BaseServiceConfig {
  @DevDefault('postgres://postgres@127.0.0.1:5433/callfleet')
  @IsString()
  @Matches(/^postgres:\/\/\S+$/)
  DATABASE_URL: string;

  @DevDefault('dev-only-secret')
  @IsString()
  SIGNING_SECRET: string;
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig('example', ExampleConfig, env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('loadConfig', () => {
  it('reads and converts variables, with the documented defaults for the rest', () => {
    const config = loadConfig('example', ExampleConfig, {
      PORT: '4100',
      NATS_URL: 'nats://a:4222,nats://b:4222',
      DATABASE_URL: 'postgres://db/x',
    });
    expect(config).toBeInstanceOf(ExampleConfig);
    expect(config.PORT).toBe(4100);
    expect(config.NATS_URL).toBe('nats://a:4222,nats://b:4222');
    expect(config.NATS_REQUEST_TIMEOUT_MS).toBe(5000);
    expect(config.NODE_ENV).toBe('development');
  });

  it('names every bad variable in one error, not only the first', () => {
    const problems = problemsOf({ PORT: 'eighty', NATS_URL: 'http://nats', LOG_LEVEL: 'loud', NODE_ENV: 'test' });
    const named = problems.map((p) => p.split(':')[0]);
    expect(named).toEqual(expect.arrayContaining(['PORT', 'NATS_URL', 'LOG_LEVEL']));
    expect(problems.join('\n')).toContain('NATS_URL must be a nats:// URL');
  });

  it('puts the service name and every problem in the message that main.ts prints', () => {
    expect(() => loadConfig('example', ExampleConfig, { PORT: '70000', NATS_REQUEST_TIMEOUT_MS: '1' })).toThrow(
      /^example: invalid configuration: .*PORT.*NATS_REQUEST_TIMEOUT_MS/,
    );
  });

  it('applies dev defaults outside production only', () => {
    for (const NODE_ENV of [undefined, 'development', 'test']) {
      const config = loadConfig('example', ExampleConfig, { NODE_ENV });
      expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5433/callfleet');
      expect(config.SIGNING_SECRET).toBe('dev-only-secret');
    }
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.some((p) => p.startsWith('DATABASE_URL'))).toBe(true);
    expect(problems.some((p) => p.startsWith('SIGNING_SECRET'))).toBe(true);
  });

  it('treats an empty variable as missing, so production cannot start with DATABASE_URL=""', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      DATABASE_URL: '',
      SIGNING_SECRET: 'set',
      NATS_USER: 'example',
      NATS_PASSWORD: 'set',
    });
    expect(new Set(problems.map((p) => p.split(':')[0]))).toEqual(new Set(['DATABASE_URL']));
    expect(loadConfig('example', ExampleConfig, { DATABASE_URL: '' }).DATABASE_URL).toContain('5433');
  });

  it('requires the broker credentials in production, and both of them wherever one is given', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', SIGNING_SECRET: 'set' };
    const named = (env: NodeJS.ProcessEnv) => new Set(problemsOf(env).map((p) => p.split(':')[0]));
    expect(named(production)).toEqual(new Set(['NATS_USER', 'NATS_PASSWORD']));
    expect(
      loadConfig('example', ExampleConfig, { ...production, NATS_USER: 'example', NATS_PASSWORD: 'set' }),
    ).toMatchObject({
      NATS_USER: 'example',
      NATS_PASSWORD: 'set',
    });
    expect(named({ NATS_USER: 'example' })).toEqual(new Set(['NATS_PASSWORD']));
    const open = loadConfig('example', ExampleConfig, {});
    expect([open.NATS_USER, open.NATS_PASSWORD, open.NATS_TLS_CA_FILE]).toEqual([undefined, undefined, undefined]);
  });

  it('never puts a value in its problems, so a mistyped secret is not printed', () => {
    const problems = problemsOf({ NODE_ENV: 'production', NATS_PASSWORD: 'hunter2-secret', PORT: 'hunter2-port' });
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('refuses an unknown NODE_ENV and a namespace that could break subjects', () => {
    const problems = problemsOf({ NODE_ENV: 'staging', CALLFLEET_NAMESPACE: 'Team A.x' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['NODE_ENV', 'CALLFLEET_NAMESPACE']));
  });
});
