import { join } from 'node:path';
import { FLEET_SCHEMAS } from './fleet-schemas';
import {
  builtServices,
  childEnv,
  FLEET_SERVICES,
  type FleetServiceSpec,
  parsePortBase,
  serviceEntry,
  servicePort,
} from './fleet-services';

const spec = (name: string) => FLEET_SERVICES.find((s) => s.name === name) as FleetServiceSpec;

describe('fleet services', () => {
  it('lists the six services on their documented ports, plus the simulator', () => {
    expect(Object.fromEntries(FLEET_SERVICES.map((s) => [s.name, s.defaultPort]))).toEqual({
      gateway: 3000,
      'webhook-ingest': 3001,
      'media-stream': 3002,
      auth: 3003,
      'call-orchestrator': 3004,
      'recording-pipeline': 3005,
      'telephony-sim': 3900,
    });
  });

  it('migrates the schema of every service that owns one, as their definitions name them', () => {
    expect(FLEET_SCHEMAS.map((s) => s.schema).sort()).toEqual(['auth', 'ingest', 'orchestrator', 'recordings']);
    expect(FLEET_SERVICES.filter((s) => s.usesDatabase).map((s) => s.name)).toEqual([
      'webhook-ingest',
      'auth',
      'call-orchestrator',
      'recording-pipeline',
    ]);
  });

  it('moves the whole port layout with FLEET_PORT_BASE, keeping each offset', () => {
    expect(servicePort(spec('gateway'))).toBe(3000);
    expect(servicePort(spec('gateway'), 41000)).toBe(41000);
    expect(servicePort(spec('recording-pipeline'), 41000)).toBe(41005);
    expect(servicePort(spec('telephony-sim'), 41000)).toBe(41900);
  });

  it('refuses a FLEET_PORT_BASE that is not a port or pushes a service past 65535', () => {
    expect(parsePortBase(undefined, FLEET_SERVICES)).toBeUndefined();
    expect(parsePortBase('', FLEET_SERVICES)).toBeUndefined();
    expect(parsePortBase('20000', FLEET_SERVICES)).toBe(20000);
    for (const bad of ['abc', '80', '65000', '3000.5']) {
      expect(() => parsePortBase(bad, FLEET_SERVICES)).toThrow(/FLEET_PORT_BASE/);
    }
  });

  it('starts what is built: a missing simulator is fine, a missing core service is named', () => {
    const built = new Set(['gateway', 'auth', 'media-stream'].map((n) => serviceEntry('/repo', n)));
    const { runnable, missingCore } = builtServices(FLEET_SERVICES, '/repo', (p) => built.has(p));
    expect(runnable.map((s) => s.name)).toEqual(['gateway', 'media-stream', 'auth']);
    expect(missingCore).toEqual(['webhook-ingest', 'call-orchestrator', 'recording-pipeline']);
    expect(serviceEntry('/repo', 'auth')).toBe(join('/repo', 'dist', 'apps', 'auth', 'src', 'main.js'));
  });

  describe('a service environment', () => {
    const input = {
      parentEnv: { LOG_LEVEL: 'debug', DATABASE_URL: 'postgres://mine', PORT: '1', NODE_ENV: '' },
      port: 3004,
      natsUrl: 'nats://127.0.0.1:4222',
      databaseUrl: 'postgres://postgres:pw@127.0.0.1:5433/callfleet',
      dataDir: '/repo/.data',
    };

    it('gives DATABASE_URL only to services that own a schema', () => {
      expect(childEnv(spec('call-orchestrator'), input).DATABASE_URL).toBe(input.databaseUrl);
      expect(childEnv(spec('gateway'), input)).not.toHaveProperty('DATABASE_URL');
      expect(childEnv(spec('media-stream'), input)).not.toHaveProperty('DATABASE_URL');
    });

    it('sets the port, NATS and development mode, and keeps the developer variables', () => {
      const env = childEnv(spec('gateway'), { ...input, port: 3000 });
      expect(env).toMatchObject({ PORT: '3000', NATS_URL: input.natsUrl, NODE_ENV: 'development', LOG_LEVEL: 'debug' });
      expect(childEnv(spec('gateway'), { ...input, parentEnv: { NODE_ENV: 'production' } }).NODE_ENV).toBe(
        'production',
      );
    });

    it("gives each service its own NATS user and password, never the developer's", () => {
      const env = childEnv(spec('auth'), {
        ...input,
        parentEnv: { NATS_USER: 'me', NATS_PASSWORD: 'mine', NATS_PASSWORDS_FILE: '/all.env' },
        natsPassword: 'auth-secret',
      });
      expect(env).toMatchObject({ NATS_USER: 'auth', NATS_PASSWORD: 'auth-secret' });
      expect(env).not.toHaveProperty('NATS_PASSWORDS_FILE');
      expect(childEnv(spec('auth'), { ...input, parentEnv: { NATS_PASSWORD: 'mine' } })).not.toHaveProperty(
        'NATS_PASSWORD',
      );
    });

    it("gives the simulator the demo's short holds, which the developer's own settings override", () => {
      expect(childEnv(spec('telephony-sim'), input)).toMatchObject({
        SIM_DEV_HOLD_MIN_SECONDS: '30',
        SIM_DEV_HOLD_MAX_SECONDS: '90',
      });
      const own = childEnv(spec('telephony-sim'), { ...input, parentEnv: { SIM_DEV_HOLD_MAX_SECONDS: '40' } });
      expect(own.SIM_DEV_HOLD_MAX_SECONDS).toBe('40');
      expect(childEnv(spec('gateway'), input)).not.toHaveProperty('SIM_DEV_HOLD_MIN_SECONDS');
    });

    it('points the peer URLs at the moved layout with FLEET_PORT_BASE, and leaves them to the defaults without it', () => {
      const moved = { ...input, portBase: 20_000 };
      expect(childEnv(spec('call-orchestrator'), moved)).toMatchObject({
        WEBHOOKS_PUBLIC_BASE_URL: 'http://127.0.0.1:20001',
        MEDIA_STREAM_PUBLIC_URL: 'ws://127.0.0.1:20002',
      });
      expect(childEnv(spec('webhook-ingest'), moved)).toMatchObject({
        WEBHOOK_PUBLIC_BASE_URL: 'http://127.0.0.1:20001',
        DEV_PROVIDER_API_BASE_URL: 'http://127.0.0.1:20900',
      });
      // Compose-only peers (MinIO) are no fleet service: the service's own default holds.
      expect(childEnv(spec('recording-pipeline'), moved)).not.toHaveProperty('S3_ENDPOINT');
      expect(childEnv(spec('call-orchestrator'), input)).not.toHaveProperty('WEBHOOKS_PUBLIC_BASE_URL');
      // The developer's own setting wins.
      const own = { ...moved, parentEnv: { MEDIA_STREAM_PUBLIC_URL: 'wss://media.example' } };
      expect(childEnv(spec('call-orchestrator'), own).MEDIA_STREAM_PUBLIC_URL).toBe('wss://media.example');
    });

    it('points auth at the signing keys under the data directory', () => {
      expect(childEnv(spec('auth'), input).JWT_KEYS_DIR).toBe(join('/repo/.data', 'keys'));
      expect(childEnv(spec('gateway'), input)).not.toHaveProperty('JWT_KEYS_DIR');
    });
  });
});
