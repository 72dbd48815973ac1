import { createServer, type Server, type Socket } from 'node:net';
import { AuthCommands } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { AuthHarness, GOOD_PASSWORD, uniqueEmail } from './auth-harness';

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
