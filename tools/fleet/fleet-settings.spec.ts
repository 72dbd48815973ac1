import { join } from 'node:path';
import { readFleetSettings } from './fleet-settings';
import { firstNatsEndpoint, isLoopback } from './local-nats';

describe('fleet settings', () => {
  it('defaults to a laptop: local NATS, embedded PostgreSQL on 5433, data in .data', () => {
    const settings = readFleetSettings({}, '/repo');
    expect(settings).toMatchObject({
      dataDir: join('/repo', '.data'),
      natsUrl: 'nats://127.0.0.1:4222',
      embeddedPgPort: 5433,
      readyTimeoutMs: 60_000,
    });
    expect(settings.databaseUrl).toBeUndefined();
    expect(settings.portBase).toBeUndefined();
  });

  it('names every bad variable at once', () => {
    expect(() =>
      readFleetSettings(
        { EMBEDDED_PG_PORT: 'x', FLEET_PORT_BASE: '1', DATABASE_URL: 'mysql://db', NATS_URL: 'http://n' },
        '/repo',
      ),
    ).toThrow(/EMBEDDED_PG_PORT.*FLEET_PORT_BASE.*DATABASE_URL.*NATS_URL/);
  });

  it('reads the first server of a NATS_URL cluster list and knows a local one', () => {
    expect(firstNatsEndpoint('nats://10.0.0.5:4333,nats://10.0.0.6:4333')).toEqual({ host: '10.0.0.5', port: 4333 });
    expect(firstNatsEndpoint('nats://localhost')).toEqual({ host: 'localhost', port: 4222 });
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('nats.internal')).toBe(false);
  });
});
