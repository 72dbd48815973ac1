import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNatsPasswords, newNatsPassword, parseNatsPasswords, readGivenNatsPasswords } from './nats-passwords';

describe("the fleet's NATS passwords file", () => {
  const dir = mkdtempSync(join(tmpdir(), 'callfleet-nats-passwords-'));
  const file = join(dir, 'nats', 'passwords.env');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a random password per user once, readable by the owner only, and keeps them across starts', () => {
    const first = ensureNatsPasswords(file, ['gateway', 'call-orchestrator', 'team']);
    expect(Object.keys(first)).toEqual(['gateway', 'call-orchestrator', 'team']);
    expect(new Set(Object.values(first)).size).toBe(3);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(`NATS_PASSWORD_CALL_ORCHESTRATOR=${first['call-orchestrator']}`);

    expect(ensureNatsPasswords(file, ['gateway', 'call-orchestrator', 'team'])).toEqual(first);
    const withNewService = ensureNatsPasswords(file, ['gateway', 'call-orchestrator', 'team', 'auth']);
    expect(withNewService).toMatchObject(first);
    expect(withNewService.auth).toEqual(expect.any(String));
  });

  it('makes passwords nats-server reads back as the same string from an env reference: letters and digits', () => {
    for (let i = 0; i < 50; i++) expect(newNatsPassword()).toMatch(/^[A-Za-z][A-Za-z0-9]{31}$/);
  });

  it('reads an env file of the same shape, ignoring comments, quotes and other variables', () => {
    const text = '# mine\nNATS_PASSWORD_GATEWAY="g-pw"\nOTHER=x\n NATS_PASSWORD_AUTH = a-pw \n';
    expect(parseNatsPasswords(text, ['gateway', 'auth', 'team'])).toEqual({ gateway: 'g-pw', auth: 'a-pw' });
  });

  it('names the variables a given file lacks for the services about to start', () => {
    const given = join(dir, 'given.env');
    writeFileSync(given, 'NATS_PASSWORD_GATEWAY=g\n');
    expect(readGivenNatsPasswords(given, ['gateway', 'auth', 'team'], ['gateway'])).toEqual({ gateway: 'g' });
    expect(() => readGivenNatsPasswords(given, ['gateway', 'auth'], ['gateway', 'auth'])).toThrow(
      /has no NATS_PASSWORD_AUTH$/,
    );
    expect(() => readGivenNatsPasswords(join(dir, 'none.env'), ['gateway'], ['gateway'])).toThrow(/ENOENT/);
  });
});
