import {
  API_CONTENT_SECURITY_POLICY,
  contentSecurityPolicyFor,
  DOCS_CONTENT_SECURITY_POLICY,
  hasBody,
  isIncompletePreflight,
  isJsonContentType,
  parseCorsOrigins,
  securityHeadersFor,
} from './http-policies';

describe('edge policies', () => {
  it('lets only the docs page load its own scripts and styles; the API allows nothing', () => {
    expect(contentSecurityPolicyFor('/api/docs')).toBe(DOCS_CONTENT_SECURITY_POLICY);
    expect(contentSecurityPolicyFor('/api/docs/swagger-ui-bundle.js')).toBe(DOCS_CONTENT_SECURITY_POLICY);
    expect(contentSecurityPolicyFor('/api/v1/auth/me')).toBe(API_CONTENT_SECURITY_POLICY);
    expect(contentSecurityPolicyFor('/api/docsevil')).toBe(API_CONTENT_SECURITY_POLICY);
    expect(API_CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(DOCS_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(DOCS_CONTENT_SECURITY_POLICY).not.toContain("script-src 'self' 'unsafe-inline'");
  });

  it("sends helmet's default security headers with the path's content security policy on every answer", () => {
    const api = securityHeadersFor('/api/v1/auth/me');
    const docs = securityHeadersFor('/api/docs');
    expect(api['content-security-policy']).toBe(API_CONTENT_SECURITY_POLICY);
    expect(docs['content-security-policy']).toBe(DOCS_CONTENT_SECURITY_POLICY);
    for (const headers of [api, docs]) {
      expect(headers).toMatchObject({
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
      });
    }
  });

  it('reads CORS origins as an exact list', () => {
    expect(parseCorsOrigins('http://localhost:5173, https://app.example.com/ ,,')).toEqual([
      'http://localhost:5173',
      'https://app.example.com',
    ]);
  });

  it('accepts JSON bodies only', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/merge-patch+json')).toBe(true);
    expect(isJsonContentType('text/plain')).toBe(false);
    expect(isJsonContentType('application/x-www-form-urlencoded')).toBe(false);
    expect(isJsonContentType('application/jsonp')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });

  it('knows when a request has a body', () => {
    expect(hasBody({ 'content-length': '2' })).toBe(true);
    expect(hasBody({ 'transfer-encoding': 'chunked' })).toBe(true);
    expect(hasBody({ 'content-length': '0' })).toBe(false);
    expect(hasBody({})).toBe(false);
  });

  it('tells an incomplete CORS preflight from a whole one', () => {
    const whole = { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' };
    expect(isIncompletePreflight('OPTIONS', whole)).toBe(false);
    expect(isIncompletePreflight('OPTIONS', { origin: whole.origin })).toBe(true);
    expect(isIncompletePreflight('OPTIONS', { 'access-control-request-method': 'POST' })).toBe(true);
    expect(isIncompletePreflight('GET', {})).toBe(false);
  });
});
