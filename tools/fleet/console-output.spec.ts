import { formatChildLine, maskUrlPassword, renderFleetSummary } from './console-output';

describe('fleet console output', () => {
  it('passes JSON log lines through untouched and prefixes anything else with the service', () => {
    const json = '{"level":"info","service":"auth","msg":"auth ready"}';
    expect(formatChildLine('auth', json)).toBe(json);
    expect(formatChildLine('auth', 'TypeError: boom')).toBe('auth | TypeError: boom');
    expect(formatChildLine('auth', '{not json}')).toBe('auth | {not json}');
  });

  it('never prints a database password', () => {
    expect(maskUrlPassword('postgres://postgres:s3cret@127.0.0.1:5433/callfleet')).toBe(
      'postgres://postgres:***@127.0.0.1:5433/callfleet',
    );
    expect(maskUrlPassword('postgres://postgres@127.0.0.1:5432/db')).toBe('postgres://postgres@127.0.0.1:5432/db');
    expect(maskUrlPassword('postgres://u:p@w@host/db')).not.toContain('p@w');
  });

  it('prints every service with its readiness and metrics URLs, and the gateway links', () => {
    const text = renderFleetSummary({
      services: [
        {
          name: 'gateway',
          baseUrl: 'http://localhost:3000',
          pid: 11,
          links: [{ label: 'Swagger UI', path: '/api/docs' }],
        },
        { name: 'auth', baseUrl: 'http://localhost:3003', pid: 12 },
      ],
      nats: 'nats://127.0.0.1:4223',
      team: {
        natsUrl: 'nats://127.0.0.1:4223',
        user: 'team',
        passwordsFile: '/repo/.data/nats/passwords.env',
        passwordVariable: 'NATS_PASSWORD_TEAM',
        inboxPrefix: '_INBOX.team',
      },
      database: 'postgres://postgres:***@127.0.0.1:5433/callfleet (embedded)',
    });
    expect(text).toMatch(/Swagger UI\s+http:\/\/localhost:3000\/api\/docs/);
    expect(text).toMatch(/auth\s+http:\/\/localhost:3003\/health\/ready\s+http:\/\/localhost:3003\/metrics\s+12/);
    expect(text).toMatch(/NATS\s+nats:\/\/127\.0\.0\.1:4223/);
    expect(text).toMatch(/NATS team user\s+team: password NATS_PASSWORD_TEAM in \/repo\/\.data\/nats\/passwords\.env/);
    expect(text).toContain(
      `(. /repo/.data/nats/passwords.env && nats req -s nats://127.0.0.1:4223 --user team --password "$NATS_PASSWORD_TEAM" --inbox-prefix _INBOX.team`,
    );
    expect(text).toContain('(embedded)');
  });
});
