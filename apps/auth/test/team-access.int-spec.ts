import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ApiKeyDto,
  AuthCommands,
  type CreatedApiKeyDto,
  FleetHeader,
  type ListDto,
  type MeDto,
  ProviderAccountCommands,
  type ProviderAccountDto,
  type TokenPairDto,
  teamExportSubject,
  type UserDto,
} from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { plainNatsClient, startTestService, TestDatabase, testNamespace, waitFor } from '@callfleet/testing';
import { type NatsConnection } from '@nats-io/transport-node';
import { decodeJwt } from 'jose';
import { webhookIngestService } from '../../webhook-ingest/src/webhook-ingest.definition';
import { authService } from '../src/auth.definition';
import { AuthHarness, GOOD_PASSWORD, type Identity, uniqueEmail } from './auth-harness';
import { bearer, fleetRequest, TeamClient } from './team-client';

/**
 * Other teams' requests, as the services receive them: on the team export subject of a public
 * command (where the broker's TEAMS import delivers them), with a credential in `authorization`.
 * auth and webhook-ingest run in this process on the shared broker (own namespace) and one database.
 */
describe('public commands called by another team', () => {
  const namespace = testNamespace();
  const ns = new SubjectNamespace(namespace);
  let db: TestDatabase;
  let keysDir: string;
  let auth: Awaited<ReturnType<typeof startTestService>>;
  let ingest: Awaited<ReturnType<typeof startTestService>>;
  let nc: NatsConnection;
  let team: TeamClient;

  interface Org {
    owner: Identity;
    tokens: TokenPairDto;
    /** An admin key (manages provider accounts), a viewer key. */
    adminKey: string;
    viewerKey: string;
    account: ProviderAccountDto;
  }
  let orgA: Org;
  let orgB: Org;

  /** A request as the gateway makes it, on the fleet subject with the fleet identity headers. */
  const asFleet = <T>(subject: string, body: unknown, identity?: Identity) =>
    fleetRequest<T>(nc, ns.subject(subject), body, identity);

  const createOrg = async (label: string, accountSid: string): Promise<Org> => {
    const tokens = await asFleet<TokenPairDto>(AuthCommands.Register.subject, {
      email: uniqueEmail(label),
      password: GOOD_PASSWORD,
      name: `Owner ${label}`,
      organizationName: `Org ${label}`,
    });
    const owner = AuthHarness.identityOf(tokens);
    const key = (role: string) =>
      asFleet<CreatedApiKeyDto>(AuthCommands.ApiKeyCreate.subject, { name: `${label}-${role}`, role }, owner);
    const adminKey = (await key('admin')).key;
    const viewerKey = (await key('viewer')).key;
    const created = await team.request<ProviderAccountDto>(
      ProviderAccountCommands.Create,
      {
        provider: 'twilio',
        name: `${label}-main`,
        credentials: { accountSid, authToken: 'auth-token-0123456789abcdef' },
      },
      { credential: bearer(adminKey) },
    );
    if (!created.ok) throw new Error(`provider account not created: ${JSON.stringify(created.body)}`);
    return { owner, tokens, adminKey, viewerKey, account: created.body };
  };

  beforeAll(async () => {
    db = await TestDatabase.create();
    keysDir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
    const common = { namespace, databaseUrl: db.url };
    auth = await startTestService(authService, { ...common, env: { JWT_KEYS_DIR: keysDir } });
    ingest = await startTestService(webhookIngestService, { ...common, env: { DEV_PROVIDER_ACCOUNTS: 'false' } });
    nc = await plainNatsClient();
    team = new TeamClient(nc, (subject) => ns.subject(teamExportSubject(subject)));
    orgA = await createOrg('a', 'AC11111111111111111111111111111111');
    orgB = await createOrg('b', 'AC22222222222222222222222222222222');
  });

  afterAll(async () => {
    await nc?.close();
    await ingest?.close();
    await auth?.close();
    await db?.drop();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  });

  it('answers an API key with its own organization’s data only', async () => {
    for (const [org, other] of [
      [orgA, orgB],
      [orgB, orgA],
    ] as const) {
      const credential = bearer(org.adminKey);
      const me = await team.request<MeDto>(AuthCommands.Me, {}, { credential });
      expect(me).toMatchObject({ ok: true, body: { userId: org.owner.userId, orgId: org.owner.orgId } });

      const users = await team.request<ListDto<UserDto>>(AuthCommands.UsersList, {}, { credential });
      expect(users.ok && users.body.items.map((u) => u.id)).toEqual([org.owner.userId]);

      const keys = await team.request<ListDto<ApiKeyDto>>(AuthCommands.ApiKeyList, {}, { credential });
      expect(keys.ok && keys.body.items.map((k) => k.name).sort()).toEqual([
        `${org === orgA ? 'a' : 'b'}-admin`,
        `${org === orgA ? 'a' : 'b'}-viewer`,
      ]);

      const accounts = await team.request<ListDto<ProviderAccountDto>>(
        ProviderAccountCommands.List,
        {},
        { credential },
      );
      expect(accounts.ok && accounts.body.items.map((a) => a.id)).toEqual([org.account.id]);

      // Another org's account by id is not found, as for any tenant.
      const foreign = await team.request(ProviderAccountCommands.Get, { id: other.account.id }, { credential });
      expect(foreign).toMatchObject({ ok: false, status: 404, body: { code: 'NOT_FOUND' } });
    }
  });

  it('answers an access token like the gateway would', async () => {
    const credential = bearer(orgB.tokens.accessToken);
    const me = await team.request<MeDto>(AuthCommands.Me, {}, { credential });
    expect(me).toMatchObject({
      ok: true,
      body: { userId: orgB.owner.userId, orgId: orgB.owner.orgId, roles: ['owner'] },
    });
    const accounts = await team.request<ListDto<ProviderAccountDto>>(ProviderAccountCommands.List, {}, { credential });
    expect(accounts.ok && accounts.body.items.map((a) => a.id)).toEqual([orgB.account.id]);
  });

  it('ignores forged identity headers: without a credential 401 and no data', async () => {
    const forged = {
      [FleetHeader.ORG_ID]: orgA.owner.orgId,
      [FleetHeader.USER_ID]: orgA.owner.userId,
      [FleetHeader.ROLES]: 'owner',
    };
    for (const command of [
      AuthCommands.Me,
      AuthCommands.UsersList,
      AuthCommands.ApiKeyList,
      ProviderAccountCommands.List,
    ]) {
      const reply = await team.request(command, {}, { headers: forged });
      expect(reply).toEqual({
        ok: false,
        status: 401,
        body: { code: 'MISSING_CREDENTIALS', message: expect.stringContaining('authorization') },
      });
    }
    const planted = await team.request(
      ProviderAccountCommands.Create,
      {
        provider: 'twilio',
        name: 'planted',
        credentials: { accountSid: 'AC33333333333333333333333333333333', authToken: 'x'.repeat(32) },
      },
      { headers: forged },
    );
    expect(planted).toMatchObject({ ok: false, status: 401 });
    const deleted = await team.request(ProviderAccountCommands.Delete, { id: orgA.account.id }, { headers: forged });
    expect(deleted).toMatchObject({ ok: false, status: 401 });
    const [{ count }] = await db.query<{ count: string }>(
      'SELECT count(*) FROM ingest.provider_accounts WHERE org_id = $1',
      [orgA.owner.orgId],
    );
    expect(Number(count)).toBe(1);
  });

  it('answers a valid key with its own org even when its headers claim another org and a higher role', async () => {
    const forged = {
      [FleetHeader.ORG_ID]: orgB.owner.orgId,
      [FleetHeader.USER_ID]: orgB.owner.userId,
      [FleetHeader.ROLES]: 'owner',
    };
    const me = await team.request<MeDto>(AuthCommands.Me, {}, { credential: bearer(orgA.adminKey), headers: forged });
    expect(me).toMatchObject({
      ok: true,
      body: { userId: orgA.owner.userId, orgId: orgA.owner.orgId, organizationName: 'Org a' },
    });
    const accounts = await team.request<ListDto<ProviderAccountDto>>(
      ProviderAccountCommands.List,
      {},
      { credential: bearer(orgA.adminKey), headers: forged },
    );
    expect(accounts.ok && accounts.body.items.map((a) => a.id)).toEqual([orgA.account.id]);

    // A viewer's key stays a viewer's, whatever x-roles says.
    const asViewer = await team.request(
      ProviderAccountCommands.Delete,
      { id: orgA.account.id },
      {
        credential: bearer(orgA.viewerKey),
        headers: { [FleetHeader.ROLES]: 'owner' },
      },
    );
    expect(asViewer).toMatchObject({ ok: false, status: 403, body: { code: 'INSUFFICIENT_PERMISSIONS' } });
  });

  it('refuses a role the command needs with 403 and changes nothing', async () => {
    const created = await team.request(
      ProviderAccountCommands.Create,
      {
        provider: 'twilio',
        name: 'by-viewer',
        credentials: { accountSid: 'AC44444444444444444444444444444444', authToken: 'y'.repeat(32) },
      },
      { credential: bearer(orgB.viewerKey) },
    );
    expect(created).toEqual({
      ok: false,
      status: 403,
      body: { code: 'INSUFFICIENT_PERMISSIONS', message: expect.any(String) },
    });
    const keys = await team.request(AuthCommands.ApiKeyList, {}, { credential: bearer(orgB.viewerKey) });
    expect(keys).toMatchObject({ ok: false, status: 403, body: { code: 'INSUFFICIENT_PERMISSIONS' } });
    const accounts = await team.request<ListDto<ProviderAccountDto>>(
      ProviderAccountCommands.List,
      {},
      {
        credential: bearer(orgB.adminKey),
      },
    );
    expect(accounts.ok && accounts.body.items.map((a) => a.name)).toEqual(['b-main']);
  });

  it('refuses garbage, unknown keys and tokens with 401 INVALID_TOKEN', async () => {
    for (const credential of [
      'Basic dXNlcjpwYXNz',
      'Bearer',
      orgA.adminKey,
      'Bearer cf_0123456789abcdef_not-a-real-secret-at-all-000000000000000000',
      'Bearer not.a.jwt',
      `Bearer ${orgA.tokens.accessToken.slice(0, -4)}AAAA`,
    ]) {
      const reply = await team.request(AuthCommands.Me, {}, { credential });
      expect(reply).toEqual({ ok: false, status: 401, body: { code: 'INVALID_TOKEN', message: expect.any(String) } });
    }
  });

  it('refuses a key once it is revoked, and a logged-out access token', async () => {
    const owner = orgA.owner;
    const temporary = await asFleet<CreatedApiKeyDto>(AuthCommands.ApiKeyCreate.subject, { name: 'temporary' }, owner);
    expect(await team.request(AuthCommands.Me, {}, { credential: bearer(temporary.key) })).toMatchObject({ ok: true });
    await asFleet(AuthCommands.ApiKeyRevoke.subject, { id: temporary.id }, owner);
    // The services learn of the revocation by watching the revoked-tokens bucket: within moments.
    await waitFor(
      async () => !(await team.request(AuthCommands.Me, {}, { credential: bearer(temporary.key) })).ok,
      5_000,
      'the revoked key to be refused',
    );
    for (const command of [AuthCommands.Me, ProviderAccountCommands.List]) {
      const reply = await team.request(command, {}, { credential: bearer(temporary.key) });
      expect(reply).toEqual({ ok: false, status: 401, body: { code: 'INVALID_TOKEN', message: expect.any(String) } });
    }

    const session = await asFleet<TokenPairDto>(AuthCommands.Login.subject, {
      email: (await asFleet<MeDto>(AuthCommands.Me.subject, {}, owner)).email,
      password: GOOD_PASSWORD,
    });
    const token = bearer(session.accessToken);
    expect(await team.request(ProviderAccountCommands.List, {}, { credential: token })).toMatchObject({ ok: true });
    const { jti, exp } = decodeJwt(session.accessToken);
    await asFleet(
      AuthCommands.Logout.subject,
      { refreshToken: session.refreshToken, jti, exp },
      AuthHarness.identityOf(session),
    );
    await waitFor(
      async () => !(await team.request(ProviderAccountCommands.List, {}, { credential: token })).ok,
      5_000,
      'the logged-out token to be refused',
    );
    expect(await team.request(AuthCommands.Me, {}, { credential: token })).toMatchObject({
      ok: false,
      status: 401,
      body: { code: 'INVALID_TOKEN' },
    });
  });

  it('offers nothing but the public commands on the team subjects', async () => {
    const credential = bearer(orgA.adminKey);
    for (const command of [AuthCommands.ApiKeyCreate, AuthCommands.UsersInvite, AuthCommands.Login]) {
      await expect(team.request(command, {}, { credential })).rejects.toThrow(/no responders/i);
    }
  });
});
