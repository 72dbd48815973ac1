import { API_KEY_PREFIX } from '@callfleet/contracts';
import { apiKeySecretMatches, generateApiKey, parseApiKey } from './api-key-format';

describe('API key format', () => {
  it('makes cf_<keyId>_<secret> keys whose prefix finds them and whose hash checks them', () => {
    const generated = generateApiKey();
    expect(generated.key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(generated.key.startsWith(`${generated.prefix}_`)).toBe(true);
    const parsed = parseApiKey(generated.key);
    expect(parsed?.prefix).toBe(generated.prefix);
    expect(generated.secretHash).not.toContain(parsed?.secret);
    expect(apiKeySecretMatches(parsed?.secret ?? '', generated.secretHash)).toBe(true);
  });

  it('keeps a secret that itself contains underscores intact', () => {
    let generated = generateApiKey();
    while (!generated.key.slice(generated.prefix.length + 1).includes('_')) generated = generateApiKey();
    const parsed = parseApiKey(generated.key);
    expect(parsed && apiKeySecretMatches(parsed.secret, generated.secretHash)).toBe(true);
  });

  it('refuses anything else', () => {
    const { key, secretHash } = generateApiKey();
    expect(parseApiKey(key.slice(0, -1))).toBeNull();
    expect(parseApiKey(`xx_${key.slice(3)}`)).toBeNull();
    expect(parseApiKey('cf_')).toBeNull();
    const other = parseApiKey(generateApiKey().key);
    expect(apiKeySecretMatches(other?.secret ?? '', secretHash)).toBe(false);
  });
});
