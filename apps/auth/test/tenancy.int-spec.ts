import {
  type ApiKeyDto,
  type ApiKeyPrincipalDto,
  AuthCommands,
  type CreatedApiKeyDto,
  type ListDto,
  type MeDto,
  type TokenPairDto,
  type UserDto,
} from '@callfleet/contracts';
import { AuthHarness, GOOD_PASSWORD, type Identity, uniqueEmail } from './auth-harness';

describe('auth tenancy: API keys and users stay inside their organization', () => {
  let auth: AuthHarness;
  let ownerA: Identity;
  let ownerB: Identity;
  let keyB: CreatedApiKeyDto;

  const registerOwner = async (label: string) => {
    const reply = await auth.request<TokenPairDto>(AuthCommands.Register.subject, {
      email: uniqueEmail(label),
      password: GOOD_PASSWORD,
      name: `Owner ${label}`,
      organizationName: `Org ${label}`,
    });
    return AuthHarness.identityOf(reply.body);
  };
  const createKey = (caller: Identity, body: Record<string, unknown>) =>
    auth.request<CreatedApiKeyDto>(AuthCommands.ApiKeyCreate.subject, body, AuthHarness.as(caller));
  const verify = (key: string) => auth.request<ApiKeyPrincipalDto>(AuthCommands.ApiKeyVerify.subject, { key });

  beforeAll(async () => {
    auth = await AuthHarness.start();
    ownerA = await registerOwner('a');
    ownerB = await registerOwner('b');
    keyB = (await createKey(ownerB, { name: 'b-worker' })).body;
  });
  afterAll(async () => {
    await auth?.stop();
  });

  it('creates an API key shown once, stores only a hash, and verifies it to its principal', async () => {
    const created = await createKey(ownerA, { name: 'dialer-worker' });
    expect(created.status).toBeUndefined();
    expect(created.body).toMatchObject({ name: 'dialer-worker', role: 'agent', lastUsedAt: null });
    expect(created.body.key).toMatch(/^cf_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.key.startsWith(created.body.prefix)).toBe(true);

    const [row] = await auth.db.query<Record<string, string>>(`SELECT * FROM auth.api_keys WHERE id = $1`, [
      created.body.id,
    ]);
    const secret = created.body.key.slice(created.body.prefix.length + 1);
    expect(JSON.stringify(row)).not.toContain(secret);

    const principal = await verify(created.body.key);
    expect(principal.body).toEqual({
      userId: ownerA.userId,
      orgId: ownerA.orgId,
      roles: ['agent'],
      kind: 'api-key',
      apiKeyId: created.body.id,
    });

    const list = await auth.request<ListDto<ApiKeyDto & { key?: string }>>(
      AuthCommands.ApiKeyList.subject,
      {},
      AuthHarness.as(ownerA),
    );
    const listed = list.body.items.find((k) => k.id === created.body.id);
    expect(listed?.lastUsedAt).toEqual(expect.any(String));
    expect(listed).not.toHaveProperty('key');
  });

  it('refuses tampered, unknown and revoked keys with INVALID_TOKEN', async () => {
    const created = (await createKey(ownerA, { name: 'short-lived' })).body;
    const tampered = `${created.key.slice(0, -1)}${created.key.endsWith('A') ? 'B' : 'A'}`;
    expect((await verify(tampered)).body.code).toBe('INVALID_TOKEN');
    expect((await verify('cf_0123456789abcdef_not-a-real-secret-at-all-000000000000000000')).body.code).toBe(
      'INVALID_TOKEN',
    );
    expect((await verify('definitely not a key')).status).toBe('401');

    const revoked = await auth.request(AuthCommands.ApiKeyRevoke.subject, { id: created.id }, AuthHarness.as(ownerA));
    expect(revoked.body).toEqual({ ok: true });
    const after = await verify(created.key);
    expect(after.status).toBe('401');
    expect(after.body.code).toBe('INVALID_TOKEN');
  });

  it('caps a key at its creator’s current role and refuses it once the creator leaves the org', async () => {
    const owner = await registerOwner('leaver');
    const key = (await createKey(owner, { name: 'ops', role: 'admin' })).body;
    expect((await verify(key.key)).body.roles).toEqual(['admin']);

    await auth.db.query(`UPDATE auth.memberships SET role = 'viewer' WHERE org_id = $1 AND user_id = $2`, [
      owner.orgId,
      owner.userId,
    ]);
    expect((await verify(key.key)).body.roles).toEqual(['viewer']);

    await auth.db.query(`DELETE FROM auth.memberships WHERE org_id = $1 AND user_id = $2`, [owner.orgId, owner.userId]);
    const afterLeaving = await verify(key.key);
    expect(afterLeaving.status).toBe('401');
    expect(afterLeaving.body.code).toBe('INVALID_TOKEN');
  });

  it('never shows or touches another organization’s keys: 404 for its ids', async () => {
    const listA = await auth.request<ListDto<ApiKeyDto>>(AuthCommands.ApiKeyList.subject, {}, AuthHarness.as(ownerA));
    expect(listA.body.items.length).toBeGreaterThan(0);
    expect(listA.body.items.map((k) => k.id)).not.toContain(keyB.id);

    const revoke = await auth.request(AuthCommands.ApiKeyRevoke.subject, { id: keyB.id }, AuthHarness.as(ownerA));
    expect(revoke.status).toBe('404');
    expect(revoke.body.code).toBe('NOT_FOUND');
    const missing = await auth.request(
      AuthCommands.ApiKeyRevoke.subject,
      { id: '00000000-0000-4000-8000-000000000000' },
      AuthHarness.as(ownerA),
    );
    expect(missing.body).toEqual(revoke.body);
    expect((await verify(keyB.key)).body).toMatchObject({ orgId: ownerB.orgId });

    const badId = await auth.request(AuthCommands.ApiKeyRevoke.subject, { id: 'nope' }, AuthHarness.as(ownerA));
    expect(badId.body.code).toBe('VALIDATION_ERROR');
  });

  it('lets only owners and admins manage keys, and never above their own role', async () => {
    const agent = { ...ownerA, roles: ['agent'] };
    for (const [subject, body] of [
      [AuthCommands.ApiKeyCreate.subject, { name: 'x' }],
      [AuthCommands.ApiKeyList.subject, {}],
      [AuthCommands.ApiKeyRevoke.subject, { id: keyB.id }],
    ] as const) {
      const reply = await auth.request(subject, body, AuthHarness.as(agent));
      expect(reply.status).toBe('403');
      expect(reply.body.code).toBe('INSUFFICIENT_PERMISSIONS');
    }
    const admin = { ...ownerA, roles: ['admin'] };
    expect((await createKey(admin, { name: 'mint-owner', role: 'owner' })).body.code).toBe('INSUFFICIENT_PERMISSIONS');
    expect((await createKey(admin, { name: 'ops', role: 'admin' })).body.role).toBe('admin');
    expect((await createKey(ownerA, { name: 'bad-role', role: 'root' })).body.code).toBe('VALIDATION_ERROR');
    expect((await auth.request(AuthCommands.ApiKeyList.subject, {})).status).toBe('401');
  });

  it('invites a member who sets a password with the invitation code and signs in to that org', async () => {
    const email = uniqueEmail('invitee');
    const invited = await auth.request<UserDto>(
      AuthCommands.UsersInvite.subject,
      { email, name: 'Grace Hopper', role: 'agent' },
      AuthHarness.as(ownerA),
    );
    expect(invited.status).toBeUndefined();
    expect(invited.body).toMatchObject({ email, name: 'Grace Hopper', role: 'agent', emailVerified: false });

    // Another org inviting the same address is answered as for a new one: nothing tells it the
    // address has an account. Inviting it again into the same org is a duplicate.
    const elsewhere = await auth.request<UserDto>(
      AuthCommands.UsersInvite.subject,
      { email, name: 'Grace Again', role: 'viewer' },
      AuthHarness.as(ownerB),
    );
    expect(elsewhere.status).toBeUndefined();
    expect(elsewhere.body).toMatchObject({ email, name: 'Grace Again', role: 'viewer', emailVerified: false });
    const duplicate = await auth.request(
      AuthCommands.UsersInvite.subject,
      { email, name: 'Grace Again', role: 'viewer' },
      AuthHarness.as(ownerB),
    );
    expect(duplicate.status).toBe('409');
    expect(duplicate.body.code).toBe('DUPLICATE_ENTRY');

    const noPasswordYet = await auth.request(AuthCommands.Login.subject, { email, password: GOOD_PASSWORD });
    expect(noPasswordYet.body.code).toBe('INVALID_CREDENTIALS');

    const accepted = await auth.request(AuthCommands.PasswordResetConfirm.subject, {
      email,
      code: auth.codeFor(email, 'invitation'),
      newPassword: 'grace-compiles-cobol-1952',
    });
    expect(accepted.body).toEqual({ ok: true });
    const login = await auth.request<TokenPairDto>(AuthCommands.Login.subject, {
      email,
      password: 'grace-compiles-cobol-1952',
    });
    const identity = AuthHarness.identityOf(login.body);
    expect(identity).toEqual({ userId: invited.body.id, orgId: ownerA.orgId, roles: ['agent'] });
    const me = await auth.request<MeDto>(AuthCommands.Me.subject, {}, AuthHarness.as(identity));
    expect(me.body.emailVerified).toBe(true);
  });

  it('lists only the caller’s organization’s users, and only managers invite', async () => {
    const listA = await auth.request<ListDto<UserDto>>(AuthCommands.UsersList.subject, {}, AuthHarness.as(ownerA));
    const listB = await auth.request<ListDto<UserDto>>(AuthCommands.UsersList.subject, {}, AuthHarness.as(ownerB));
    expect(listA.body.items.map((u) => u.id)).toContain(ownerA.userId);
    expect(listA.body.items.map((u) => u.id)).not.toContain(ownerB.userId);
    expect(listB.body.items.map((u) => u.id)).toContain(ownerB.userId);
    expect(listB.body.items.map((u) => u.id)).not.toContain(ownerA.userId);
    expect(listB.body.items.find((u) => u.id === ownerB.userId)).toMatchObject({ role: 'owner', emailVerified: false });

    const byAgent = await auth.request(
      AuthCommands.UsersInvite.subject,
      { email: uniqueEmail(), name: 'X', role: 'viewer' },
      AuthHarness.as({ ...ownerA, roles: ['agent'] }),
    );
    expect(byAgent.status).toBe('403');
    const ownerByAdmin = await auth.request(
      AuthCommands.UsersInvite.subject,
      { email: uniqueEmail(), name: 'X', role: 'owner' },
      AuthHarness.as({ ...ownerA, roles: ['admin'] }),
    );
    expect(ownerByAdmin.body.code).toBe('INSUFFICIENT_PERMISSIONS');
    const strangerOrg = await auth.request(
      AuthCommands.UsersInvite.subject,
      { email: uniqueEmail(), name: 'X', role: 'viewer' },
      AuthHarness.as({ ...ownerA, orgId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(strangerOrg.status).toBe('404');
  });
});
