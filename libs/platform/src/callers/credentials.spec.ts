import { readCredentials } from './credentials';

describe('readCredentials', () => {
  it('reads a bearer access token', () => {
    expect(readCredentials({ authorization: 'Bearer eyJhbGciOi.x.y' })).toEqual({
      kind: 'access-token',
      token: 'eyJhbGciOi.x.y',
    });
    expect(readCredentials({ authorization: 'bearer   abc ' })).toEqual({ kind: 'access-token', token: 'abc' });
  });

  it('reads an API key from Authorization or X-API-Key', () => {
    expect(readCredentials({ authorization: 'Bearer cf_id_secret' })).toEqual({ kind: 'api-key', key: 'cf_id_secret' });
    expect(readCredentials({ 'x-api-key': 'cf_id_secret' })).toEqual({ kind: 'api-key', key: 'cf_id_secret' });
  });

  it('prefers Authorization when both are sent', () => {
    expect(readCredentials({ authorization: 'Bearer jwt', 'x-api-key': 'cf_id_secret' }).kind).toBe('access-token');
  });

  it('tells missing credentials apart from unusable ones', () => {
    expect(readCredentials({})).toEqual({ kind: 'none' });
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearer a b', 'token']) {
      expect(readCredentials({ authorization })).toEqual({ kind: 'malformed' });
    }
    expect(readCredentials({ 'x-api-key': 'not-ours' })).toEqual({ kind: 'malformed' });
  });
});
