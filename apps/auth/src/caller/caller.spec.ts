import { lowerRole, requireCanGrant } from './caller';

const ORG = '5b0f8a52-3c0b-4a43-8d7e-3f3c0e9b1a10';
const USER = 'a3d5b7c9-1e2f-4a6b-8c0d-2e4f6a8b0c1d';

describe('role ranking', () => {
  it('lets a caller grant its own role or lower, never higher', () => {
    const admin = { userId: USER, orgId: ORG, roles: ['admin' as const] };
    expect(() => requireCanGrant(admin, 'admin')).not.toThrow();
    expect(() => requireCanGrant(admin, 'viewer')).not.toThrow();
    expect(() => requireCanGrant(admin, 'owner')).toThrow(
      expect.objectContaining({ code: 'INSUFFICIENT_PERMISSIONS' }),
    );
  });

  it('takes the weaker of two roles, whichever side it is on', () => {
    expect(lowerRole('admin', 'viewer')).toBe('viewer');
    expect(lowerRole('viewer', 'admin')).toBe('viewer');
    expect(lowerRole('owner', 'agent')).toBe('agent');
    expect(lowerRole('admin', 'admin')).toBe('admin');
  });
});
