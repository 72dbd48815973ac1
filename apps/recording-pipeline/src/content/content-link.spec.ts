import { signContentLink, verifyContentLink } from './content-link';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const grant = {
  recordingId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  orgId: 'c0a80101-0000-4000-8000-000000000001',
  expiresAtMs: 2_000,
};

describe('content links', () => {
  it('grants what was signed until it expires', () => {
    const token = signContentLink(grant, SECRET);
    expect(verifyContentLink(token, SECRET, 1_999)).toEqual(grant);
    expect(verifyContentLink(token, SECRET, 2_000)).toBeUndefined();
  });

  it('refuses a token signed with another secret or altered', () => {
    const token = signContentLink(grant, SECRET);
    expect(verifyContentLink(token, `${SECRET}x`, 0)).toBeUndefined();
    const [, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify([grant.recordingId, grant.orgId, 9_999_999])).toString('base64url');
    expect(verifyContentLink(`${forged}.${sig}`, SECRET, 0)).toBeUndefined();
    expect(verifyContentLink('garbage', SECRET, 0)).toBeUndefined();
  });
});
