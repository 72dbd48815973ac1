import { join } from 'node:path';
import { readFleetSettings } from './fleet-settings';
import { firstNatsEndpoint } from './local-nats';

describe('fleet settings', () => {
  it('defaults to a laptop: local NATS, embedded PostgreSQL on 5433, data in .data', () => {
    const settings = readFleetSettings({}, '/repo');
    expect(settings).toMatchObject({
      dataDir: join('/repo', '.data'),
      nats: {
        kind: 'own',
        url: 'nats://127.0.0.1:4223',
        port: 4223,
        passwordsFile: join('/repo', '.data', 'nats', 'passwords.env'),
      },
      embeddedPgPort: 5433,
      readyTimeoutMs: 60_000,
    });
    expect(settings.databaseUrl).toBeUndefined();
    expect(settings.portBase).toBeUndefined();
  });

  it('runs its own NATS on FLEET_NATS_PORT, never the usual 4222 an open broker may hold', () => {
    expect(readFleetSettings({ FLEET_NATS_PORT: '14999' }, '/repo').nats).toMatchObject({
      kind: 'own',
      url: 'nats://127.0.0.1:14999',
    });
  });

  it('joins the broker of NATS_URL only with the passwords file, saying what to set when it is missing', () => {
    expect(() => readFleetSettings({ NATS_URL: 'nats://10.0.0.5:4222' }, '/repo')).toThrow(
      /NATS_URL is set.*NATS_PASSWORDS_FILE.*NATS_PASSWORD_<USER>/,
    );
    expect(
      readFleetSettings({ NATS_URL: 'nats://10.0.0.5:4222', NATS_PASSWORDS_FILE: '/secrets/nats.env' }, '/repo').nats,
    ).toEqual({ kind: 'external', url: 'nats://10.0.0.5:4222', passwordsFile: '/secrets/nats.env' });
  });

  it('names every bad variable at once', () => {
    expect(() =>
      readFleetSettings(
        { EMBEDDED_PG_PORT: 'x', FLEET_PORT_BASE: '1', DATABASE_URL: 'mysql://db', NATS_URL: 'http://n' },
        '/repo',
      ),
    ).toThrow(/NATS_URL.*EMBEDDED_PG_PORT.*FLEET_PORT_BASE.*DATABASE_URL/);
  });

  it('reads the first server of a NATS_URL cluster list', () => {
    expect(firstNatsEndpoint('nats://10.0.0.5:4333,nats://10.0.0.6:4333')).toEqual({ host: '10.0.0.5', port: 4333 });
    expect(firstNatsEndpoint('nats://localhost')).toEqual({ host: 'localhost', port: 4222 });
  });
});
