import { createTestCertificates, startTestService, TestNatsServer, testNamespace } from '@callfleet/testing';
import { connect } from '@nats-io/transport-node';
import { mediaStreamService } from '../../apps/media-stream/src/media-stream.definition';
import { FLEET_DEFINITIONS } from '../fleet/fleet-definitions';
import { natsUserNames, renderNatsServerConfig } from './nats-server-config';

const passwords = Object.fromEntries(natsUserNames(FLEET_DEFINITIONS).map((user) => [user, `secret-${user}`]));

describe('the generated nats-server configuration', () => {
  let server: TestNatsServer;

  beforeAll(async () => {
    server = await TestNatsServer.start({
      config: ({ port, storeDir }) =>
        renderNatsServerConfig(FLEET_DEFINITIONS, {
          listen: `127.0.0.1:${port}`,
          storeDir,
          passwords: { kind: 'literal', byUser: passwords },
        }),
    });
  });
  afterAll(() => server?.dispose());

  it('is accepted by nats-server, which then refuses a client without credentials', async () => {
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(/Authorization Violation/i);
  });

  it('lets a fleet user in with its password, and not with another', async () => {
    const nc = await connect({ servers: server.url, user: 'auth', pass: passwords.auth, reconnect: false });
    await nc.flush();
    await nc.close();
    await expect(
      connect({ servers: server.url, user: 'auth', pass: passwords.gateway, reconnect: false }),
    ).rejects.toThrow(/Authorization Violation/i);
  });
});

describe('the generated nats-server configuration with TLS', () => {
  const certificates = createTestCertificates();
  // media-stream makes its stream and buckets at start: the broker's permissions name them in its namespace.
  const namespace = testNamespace();
  let server: TestNatsServer;

  beforeAll(async () => {
    server = await TestNatsServer.start({
      config: ({ port, storeDir }) =>
        renderNatsServerConfig(FLEET_DEFINITIONS, {
          namespace,
          listen: `127.0.0.1:${port}`,
          storeDir,
          passwords: { kind: 'literal', byUser: passwords },
          tls: { certFile: certificates.certFile, keyFile: certificates.keyFile },
        }),
    });
  });
  afterAll(() => server?.dispose());

  it('takes a service that trusts its CA (NATS_TLS_CA_FILE), and no client that does not', async () => {
    const url = `tls://127.0.0.1:${server.port}`;
    await expect(
      connect({ servers: url, user: 'media-stream', pass: passwords['media-stream'], reconnect: false }),
    ).rejects.toThrow();
    const service = await startTestService(mediaStreamService, {
      namespace,
      natsUrl: url,
      natsCredentials: { user: 'media-stream', password: passwords['media-stream'] },
      env: { NATS_TLS_CA_FILE: certificates.caFile },
    });
    try {
      expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    } finally {
      await service.close();
    }
  });
});
