import { RequestContext } from '../context/request-context';
import { currentCaller, currentOrgId, currentUserId } from './caller';

const ORG = '5b0f8a52-3c0b-4a43-8d7e-3f3c0e9b1a10';
const USER = 'a3d5b7c9-1e2f-4a6b-8c0d-2e4f6a8b0c1d';

describe('caller identity', () => {
  const within = <T>(ctx: Parameters<typeof RequestContext.run>[0], fn: () => T) => RequestContext.run(ctx, fn);

  it('reads user, org and known roles from the request context', () => {
    const caller = within({ requestId: 'r', orgId: ORG, userId: USER, roles: ['admin', 'root'] }, currentCaller);
    expect(caller).toEqual({ userId: USER, orgId: ORG, roles: ['admin'] });
    expect(within({ requestId: 'r', orgId: ORG }, currentOrgId)).toBe(ORG);
  });

  it('answers UNAUTHORIZED for missing or malformed ids instead of reaching the database', () => {
    expect(() => within({ requestId: 'r' }, currentUserId)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    expect(() => within({ requestId: 'r', userId: USER }, currentCaller)).toThrow(
      expect.objectContaining({ code: 'UNAUTHORIZED' }),
    );
    expect(() => within({ requestId: 'r', userId: "1' OR 1=1", orgId: ORG }, currentCaller)).toThrow(
      expect.objectContaining({ code: 'UNAUTHORIZED' }),
    );
    expect(() => within({ requestId: 'r', orgId: 'not-a-uuid' }, currentOrgId)).toThrow(
      expect.objectContaining({ code: 'UNAUTHORIZED' }),
    );
  });
});
