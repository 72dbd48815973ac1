import { AuthCommands, type MeDto, type TokenPairDto } from '@callfleet/contracts';
import { AuthHarness, GOOD_PASSWORD, uniqueEmail } from './auth-harness';

describe('auth codes: password reset and email verification', () => {
  let auth: AuthHarness;

  const register = async (email: string) =>
    (
      await auth.request<TokenPairDto>(AuthCommands.Register.subject, {
        email,
        password: GOOD_PASSWORD,
        name: 'Reset Tester',
        organizationName: 'Reset Org',
      })
    ).body;
  const requestReset = (email: string) => auth.request(AuthCommands.PasswordResetRequest.subject, { email });
  const confirm = (
    email: string,
    code: string,
    newPassword = 'a-brand-new-passphrase-77',
    headers: Record<string, string> = {},
  ) => auth.request(AuthCommands.PasswordResetConfirm.subject, { email, code, newPassword }, headers);
  const login = (email: string, password: string) =>
    auth.request<TokenPairDto>(AuthCommands.Login.subject, { email, password });
  /** A 6-digit code that is surely not `code`. */
  const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  beforeAll(async () => {
    auth = await AuthHarness.start();
  });
  afterAll(async () => {
    await auth?.stop();
  });

  it('resets a password with the mailed code, once, ending every session, audited with the client IP', async () => {
    const email = uniqueEmail('reset');
    const session = await register(email);

    expect((await requestReset(email)).body).toEqual({ accepted: true });
    expect((await requestReset(uniqueEmail('nobody'))).body).toEqual({ accepted: true });
    const code = auth.codeFor(email, 'password-reset');

    const wrong = await confirm(email, other(code));
    expect(wrong.status).toBe('400');
    expect(wrong.body.code).toBe('BAD_REQUEST');

    expect((await confirm(email, code, undefined, { 'x-client-ip': '198.51.100.23' })).body).toEqual({ ok: true });
    const again = await confirm(email, code, 'yet-another-passphrase-88');
    expect(again.status).toBe('400');
    expect(again.body.message).toBe(wrong.body.message);

    expect((await login(email, GOOD_PASSWORD)).body.code).toBe('INVALID_CREDENTIALS');
    expect((await login(email, 'a-brand-new-passphrase-77')).status).toBeUndefined();
    const oldSession = await auth.request(AuthCommands.Refresh.subject, { refreshToken: session.refreshToken });
    expect(oldSession.body.code).toBe('INVALID_TOKEN');

    const audit = await auth.db.query(`SELECT ip FROM auth.audit_log WHERE event = 'password_reset' AND user_id = $1`, [
      AuthHarness.identityOf(session).userId,
    ]);
    expect(audit).toEqual([{ ip: '198.51.100.23' }]);
    const stored = await auth.db.query<{ code_hash: string }>(`SELECT code_hash FROM auth.verification_codes`);
    expect(stored.map((r) => r.code_hash)).not.toContain(code);
  });

  it('keeps only the newest code of a purpose alive', async () => {
    const email = uniqueEmail('newest');
    await register(email);
    await requestReset(email);
    const first = auth.codeFor(email, 'password-reset');
    await requestReset(email);
    const second = auth.codeFor(email, 'password-reset');
    if (first !== second) expect((await confirm(email, first)).status).toBe('400');
    expect((await confirm(email, second)).body).toEqual({ ok: true });
  });

  it('kills a code after 5 wrong guesses', async () => {
    const email = uniqueEmail('guess');
    await register(email);
    await requestReset(email);
    const code = auth.codeFor(email, 'password-reset');
    let guess = code;
    for (let i = 0; i < 5; i++) {
      guess = other(guess);
      expect((await confirm(email, guess)).status).toBe('400');
    }
    expect((await confirm(email, code)).status).toBe('400');
  });

  it('refuses a weak new password without burning the code', async () => {
    const email = uniqueEmail('weak');
    await register(email);
    await requestReset(email);
    const code = auth.codeFor(email, 'password-reset');
    const weak = await confirm(email, code, 'qwertyuiop');
    expect(weak.status).toBe('400');
    expect(weak.body.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(weak.body.details)).toContain('"field":"newPassword"');
    expect((await confirm(email, code)).body).toEqual({ ok: true });
  });

  it('verifies the email with the code sent at registration; resend replaces it', async () => {
    const email = uniqueEmail('verify');
    const identity = AuthHarness.identityOf(await register(email));
    const firstCode = auth.codeFor(email, 'email-verification');

    expect((await auth.request(AuthCommands.VerifyEmailResend.subject, { email })).body).toEqual({ accepted: true });
    expect((await auth.request(AuthCommands.VerifyEmailResend.subject, { email: uniqueEmail() })).body).toEqual({
      accepted: true,
    });
    const secondCode = auth.codeFor(email, 'email-verification');
    if (firstCode !== secondCode) {
      expect((await auth.request(AuthCommands.VerifyEmail.subject, { email, code: firstCode })).status).toBe('400');
    }
    const malformed = await auth.request(AuthCommands.VerifyEmail.subject, { email, code: '12345' });
    expect(malformed.body.code).toBe('VALIDATION_ERROR');
    // A code of another purpose does not verify the email, even for the same user.
    await requestReset(email);
    const resetCode = auth.codeFor(email, 'password-reset');
    if (resetCode !== secondCode) {
      expect((await auth.request(AuthCommands.VerifyEmail.subject, { email, code: resetCode })).status).toBe('400');
    }

    expect((await auth.request(AuthCommands.VerifyEmail.subject, { email, code: secondCode })).body).toEqual({
      ok: true,
    });
    const me = await auth.request<MeDto>(AuthCommands.Me.subject, {}, AuthHarness.as(identity));
    expect(me.body.emailVerified).toBe(true);
    expect((await auth.request(AuthCommands.VerifyEmail.subject, { email, code: secondCode })).status).toBe('400');
  });

  it('logs codes only in the dev notifier line, and no password anywhere', async () => {
    const from = auth.service.logs.lines.length;
    const email = uniqueEmail('logged');
    await register(email);
    await requestReset(email);
    const code = auth.codeFor(email, 'password-reset');
    expect((await confirm(email, code, 'qwertyuiop')).status).toBe('400');
    expect((await confirm(email, code)).body).toEqual({ ok: true });
    expect((await login(email, 'yet-another-passphrase-88')).status).toBe('401');

    const written = auth.service.logs.lines.slice(from);
    const withCode = written.filter((l) => typeof l.code === 'string');
    expect(withCode.length).toBeGreaterThan(0);
    expect(withCode.every((l) => l.context === 'Notifier')).toBe(true);
    const text = written.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of [GOOD_PASSWORD, 'a-brand-new-passphrase-77', 'yet-another-passphrase-88', 'qwertyuiop']) {
      expect(text).not.toContain(secret);
    }
  });
});
