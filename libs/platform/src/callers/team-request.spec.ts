import { FleetHeader } from '@callfleet/contracts';
import { Match, headers as natsHeaders } from '@nats-io/transport-node';
import { contextFromHeaders } from '../nats/nats-wire';
import { dropFleetIdentity, teamCredentials } from './team-request';

const forged = () => {
  const h = natsHeaders();
  h.set(FleetHeader.REQUEST_ID, 'req-1');
  h.set(FleetHeader.TRACEPARENT, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  h.set(FleetHeader.ORG_ID, '6f1c3c1e-0000-4000-8000-000000000001');
  h.set(FleetHeader.USER_ID, '6f1c3c1e-0000-4000-8000-000000000002');
  h.set(FleetHeader.ROLES, 'owner');
  h.set(FleetHeader.CLIENT_IP, '10.0.0.1');
  h.set('authorization', 'Bearer cf_0123456789abcdef_secret');
  return h;
};

describe('dropFleetIdentity', () => {
  it('leaves a team request no identity of its own choosing, whatever headers it sent', () => {
    const h = forged();
    dropFleetIdentity(h);
    expect(contextFromHeaders(h, () => 'fallback')).toEqual({
      requestId: 'req-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      orgId: undefined,
      userId: undefined,
      roles: undefined,
    });
    expect(h.get(FleetHeader.CLIENT_IP)).toBe('');
  });

  it('drops them whatever case the team spelled them in', () => {
    const h = natsHeaders();
    h.set('X-Org-Id', '6f1c3c1e-0000-4000-8000-000000000001');
    h.set('X-ROLES', 'owner');
    dropFleetIdentity(h);
    expect(h.has('x-org-id', Match.IgnoreCase)).toBe(false);
    expect(h.has('x-roles', Match.IgnoreCase)).toBe(false);
  });

  it('keeps the credential, which is what the request is checked with', () => {
    const h = forged();
    dropFleetIdentity(h);
    expect(teamCredentials(h)).toEqual({ kind: 'api-key', key: 'cf_0123456789abcdef_secret' });
  });

  it('accepts a request without headers', () => {
    expect(() => dropFleetIdentity(undefined)).not.toThrow();
  });
});

describe('teamCredentials', () => {
  const withAuthorization = (value: string) => {
    const h = natsHeaders();
    h.set('authorization', value);
    return teamCredentials(h);
  };

  it('reads an API key or an access token from authorization', () => {
    expect(withAuthorization('Bearer cf_id_secret')).toEqual({ kind: 'api-key', key: 'cf_id_secret' });
    expect(withAuthorization('Bearer eyJhbGciOi.x.y')).toEqual({ kind: 'access-token', token: 'eyJhbGciOi.x.y' });
  });

  it('finds none in a request without it, even with an x-api-key header (the gateway reads that one, NATS does not)', () => {
    expect(teamCredentials(undefined)).toEqual({ kind: 'none' });
    const h = natsHeaders();
    h.set('x-api-key', 'cf_id_secret');
    expect(teamCredentials(h)).toEqual({ kind: 'none' });
  });

  it('tells a garbled credential from a missing one', () => {
    for (const value of ['Basic dXNlcjpwYXNz', 'Bearer', 'cf_id_secret', 'Bearer a b']) {
      expect(withAuthorization(value)).toEqual({ kind: 'malformed' });
    }
  });
});
