import { loadConfig } from '@callfleet/platform';
import { WebhookIngestConfig } from './webhook-ingest.config';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://ingest@db/callfleet',
  ENCRYPTION_KEYS: 'k1:ZGV2LW9ubHkta2V5LW5ldmVyLXVzZS1pbi1wcm9kISE=',
  NATS_USER: 'webhook-ingest',
  NATS_PASSWORD: 'a-broker-password',
};

describe('WebhookIngestConfig: the URL providers call and sign', () => {
  it('is required in production, where no request header may stand in for it', () => {
    expect(() => loadConfig('webhook-ingest', WebhookIngestConfig, PRODUCTION)).toThrow(
      /WEBHOOK_PUBLIC_BASE_URL must be set in production/,
    );
    const config = loadConfig('webhook-ingest', WebhookIngestConfig, {
      ...PRODUCTION,
      WEBHOOK_PUBLIC_BASE_URL: 'https://hooks.example.com',
    });
    expect(config.WEBHOOK_PUBLIC_BASE_URL).toBe('https://hooks.example.com');
  });

  it('may be left out elsewhere, and is still checked when given', () => {
    expect(loadConfig('webhook-ingest', WebhookIngestConfig, {}).WEBHOOK_PUBLIC_BASE_URL).toBeUndefined();
    expect(() =>
      loadConfig('webhook-ingest', WebhookIngestConfig, { WEBHOOK_PUBLIC_BASE_URL: 'https://hooks.example.com/' }),
    ).toThrow(/must not end with/);
  });
});
