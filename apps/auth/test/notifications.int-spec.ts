import { createServer, type Server, type Socket } from 'node:net';
import { AuthCommands, AuthEvents, type MeDto, Streams, type TokenPairDto } from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { waitFor } from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { AuthHarness, GOOD_PASSWORD, uniqueEmail } from './auth-harness';
import { SmtpSink } from './smtp-sink';

describe('auth notifications: a mail server that never answers', () => {
  let auth: AuthHarness;
  let smtp: Server;
  const connections = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never sends the SMTP greeting: nodemailer's own default waits 30 s for it.
    smtp = createServer((socket) => {
      connections.add(socket);
      socket.on('close', () => connections.delete(socket));
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const address = smtp.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    auth = await AuthHarness.start({ SMTP_URL: `smtp://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await auth?.stop();
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => smtp?.close(resolve));
  });

  it('answers registration and reset requests anyway, then gives the mails up, logged and counted', async () => {
    const email = uniqueEmail('mail');
    const registered = await auth.request(AuthCommands.Register.subject, {
      email,
      password: GOOD_PASSWORD,
      name: 'Mail Tester',
      organizationName: 'Mail Org',
    });
    expect(registered.status).toBeUndefined();
    expect((await auth.request(AuthCommands.PasswordResetRequest.subject, { email })).body).toEqual({ accepted: true });

    const failures = () => auth.service.logs.lines.filter((l) => l.msg === 'mail delivery failed');
    await waitFor(async () => failures().length === 2, 15_000, 'both mails to be given up');
    expect(
      failures()
        .map((l) => l.notification)
        .sort(),
    ).toEqual(['email-verification', 'password-reset']);
    const metrics = await (await fetch(`${auth.service.url}/metrics`)).text();
    expect(metrics).toMatch(/^callfleet_auth_mail_deliveries_total\{[^}]*outcome="failed"[^}]*\} 2$/m);
    // The code is in neither the log nor the metrics, even though the mail never left.
    expect(auth.service.logs.text()).not.toMatch(/"code":"\d{6}"/);
  });
});

describe('auth notifications: a mail server that takes the mail', () => {
  let auth: AuthHarness;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    auth = await AuthHarness.start({ SMTP_URL: smtp.url, MAIL_FROM: 'Callfleet <codes@callfleet.test>' });
  });
  afterAll(async () => {
    await auth?.stop();
    await smtp?.stop();
  });

  it('mails the verification code to the new address over SMTP, and that code verifies it', async () => {
    const email = uniqueEmail('smtp');
    const registered = await auth.request<TokenPairDto>(AuthCommands.Register.subject, {
      email,
      password: GOOD_PASSWORD,
      name: 'Mail Reader',
      organizationName: 'Mail Readers',
    });
    expect(registered.status).toBeUndefined();

    const mail = await waitFor(async () => smtp.mails.find((m) => m.to.includes(email)), 10_000, 'the code mail');
    expect(mail.from).toBe('codes@callfleet.test');
    expect(mail.headers.subject).toBe('Verify your email for Callfleet');
    expect(mail.headers.to).toContain(email);
    const code = /Your code is (\d{6})\./.exec(mail.text)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    // Sent by mail, so not logged (the log holds a code only when there is no SMTP server).
    expect(auth.service.logs.text()).not.toContain(`"code":"${code}"`);

    expect((await auth.request(AuthCommands.VerifyEmail.subject, { email, code })).body).toEqual({ ok: true });
    const me = await auth.request<MeDto>(
      AuthCommands.Me.subject,
      {},
      AuthHarness.as(AuthHarness.identityOf(registered.body)),
    );
    expect(me.body.emailVerified).toBe(true);
    const metrics = await (await fetch(`${auth.service.url}/metrics`)).text();
    expect(metrics).toMatch(/^callfleet_auth_mail_deliveries_total\{[^}]*outcome="sent"[^}]*\} 1$/m);

    // The request is announced on the bus too (through the outbox), without the code.
    const jsm = await jetstreamManager(auth.nc);
    const ns = new SubjectNamespace(auth.ns);
    const announced = await waitFor(
      async () =>
        (await jsm.streams.getMessage(ns.stream(Streams.EVENTS.name), {
          last_by_subj: ns.subject(AuthEvents.NOTIFICATION_REQUESTED),
        })) ?? undefined,
      10_000,
      'the notification-requested event',
    );
    expect(announced.json()).toMatchObject({ data: { kind: 'email-verification', email } });
    expect(announced.string()).not.toContain(code);
  });
});
