import { callerOf } from './caller';

const ORG = '5b0f8a52-3c0b-4a43-8d7e-3f3c0e9b1a10';
const USER = 'a3d5b7c9-1e2f-4a6b-8c0d-2e4f6a8b0c1d';

describe('callerOf (the @Caller() parameter)', () => {
  it('reads user, org, known roles and the request id from the headers’ context', () => {
    const caller = callerOf({ requestId: 'r-1', orgId: ORG, userId: USER, roles: ['admin', 'root'] });
    expect(caller).toEqual({ requestId: 'r-1', userId: USER, orgId: ORG, roles: ['admin'] });
    expect(callerOf({ requestId: 'r', orgId: ORG }, 'org')).toEqual({ requestId: 'r', orgId: ORG, roles: [] });
    expect(callerOf({ requestId: 'r', userId: USER }, 'user')).toEqual({ requestId: 'r', userId: USER, roles: [] });
  });

  it('answers UNAUTHORIZED for missing or malformed ids instead of reaching the database', () => {
    const unauthorized = expect.objectContaining({ code: 'UNAUTHORIZED' });
    expect(() => callerOf({ requestId: 'r' }, 'user')).toThrow(unauthorized);
    expect(() => callerOf({ requestId: 'r', userId: USER })).toThrow(unauthorized);
    expect(() => callerOf({ requestId: 'r', orgId: ORG })).toThrow(unauthorized);
    expect(() => callerOf({ requestId: 'r', userId: "1' OR 1=1", orgId: ORG })).toThrow(unauthorized);
    expect(() => callerOf({ requestId: 'r', orgId: 'not-a-uuid' }, 'org')).toThrow(unauthorized);
  });
});
