import { lowerRole, MANAGER_ROLES, requireCanGrant, requireRole } from './roles';

describe('roles', () => {
  it('requires one of the allowed roles', () => {
    expect(() => requireRole({ roles: ['agent'] }, MANAGER_ROLES)).toThrow(
      expect.objectContaining({ code: 'INSUFFICIENT_PERMISSIONS', message: 'Requires one of the roles: owner, admin' }),
    );
    expect(() => requireRole({ roles: ['admin'] }, MANAGER_ROLES)).not.toThrow();
    expect(() => requireRole({ roles: [] }, ['viewer'])).toThrow(
      expect.objectContaining({ code: 'INSUFFICIENT_PERMISSIONS' }),
    );
  });

  it('lets a caller grant its own role or lower, never higher', () => {
    const admin = { roles: ['admin' as const] };
    expect(() => requireCanGrant(admin, 'admin')).not.toThrow();
    expect(() => requireCanGrant(admin, 'viewer')).not.toThrow();
    expect(() => requireCanGrant(admin, 'owner')).toThrow(
      expect.objectContaining({ code: 'INSUFFICIENT_PERMISSIONS' }),
    );
    expect(() => requireCanGrant({ roles: [] }, 'viewer')).toThrow(
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
