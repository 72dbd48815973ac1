import { TestNatsServer } from '@callfleet/testing';
import { connect } from '@nats-io/transport-node';
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
