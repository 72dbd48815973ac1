import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, loadConfig } from '@callfleet/platform';
import { AuthConfig } from './auth.config';
import { generateSigningKey } from './tokens/signing-keys';

describe('auth configuration', () => {
  let keysDir: string;
  const production = (extra: Record<string, string>) => ({
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://auth@db.internal:5432/callfleet',
    CODE_PEPPER: 'a-production-pepper-of-some-length',
    NATS_USER: 'auth',
    NATS_PASSWORD: 'a-broker-password',
    ...extra,
  });
  const load = (env: Record<string, string>) => loadConfig('auth', AuthConfig, env);

  beforeEach(() => {
    keysDir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
  });
  afterEach(() => rmSync(keysDir, { recursive: true, force: true }));

  it('stops a production start without JWT_KEYS_DIR, naming it', () => {
    expect(() => load(production({}))).toThrow(ConfigValidationError);
    expect(() => load(production({}))).toThrow(/JWT_KEYS_DIR/);
  });

  it('stops a production start whose key directory holds no key, and invents none there', () => {
    expect(() => load(production({ JWT_KEYS_DIR: keysDir }))).toThrow(/JWT_KEYS_DIR: .*<kid>\.pem/);
    expect(readdirSync(keysDir)).toEqual([]);
    generateSigningKey(keysDir);
    expect(load(production({ JWT_KEYS_DIR: keysDir })).JWT_KEYS_DIR).toBe(keysDir);
  });

  it('requires the code pepper in production and defaults it only for development', () => {
    generateSigningKey(keysDir);
    const { CODE_PEPPER: _omitted, ...withoutPepper } = production({ JWT_KEYS_DIR: keysDir });
    expect(() => load(withoutPepper)).toThrow(/CODE_PEPPER/);
    const dev = load({});
    expect(dev.JWT_KEYS_DIR).toBe('.data/keys');
    expect(dev.CODE_PEPPER.length).toBeGreaterThanOrEqual(16);
    expect(dev.REFRESH_TOKEN_TTL_DAYS).toBe(30);
  });
});
