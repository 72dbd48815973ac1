import type { WebhookRequest } from '../webhooks/webhook-request';
import { ipMatchesCidr, isIpAllowed, verifyExotelRequest } from './exotel-guard';

describe('ipMatchesCidr', () => {
  it.each([
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.1.2.3', '10.0.0.0/8', false],
    ['192.168.1.77', '192.168.1.77', true],
    ['192.168.1.78', '192.168.1.77', false],
    ['192.168.1.78', '192.168.1.64/27', true],
    ['192.168.1.96', '192.168.1.64/27', false],
    ['::ffff:10.9.9.9', '10.0.0.0/8', true],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['8.8.8.8', '0.0.0.0/0', true],
  ])('%s in %s → %s', (ip, cidr, expected) => {
    expect(ipMatchesCidr(ip, cidr)).toBe(expected);
  });

  it.each([
    ['10.1.2.3', '10.0.0.0/'],
    ['10.1.2.3', '10.0.0.0/33'],
    ['10.1.2.3', '10.0.0.0/8/8'],
    ['10.1.2.3', '10.0.0.0/x'],
    ['10.1.2.3', 'not-an-ip/8'],
    ['not-an-ip', '10.0.0.0/8'],
    ['10.1.2.3', '2001:db8::/32'],
  ])('malformed or mismatched %s / %s never matches', (ip, cidr) => {
    expect(ipMatchesCidr(ip, cidr)).toBe(false);
  });

  it('isIpAllowed needs a known peer address', () => {
    expect(isIpAllowed(undefined, ['0.0.0.0/0'])).toBe(false);
    expect(isIpAllowed('10.0.0.1', ['192.168.0.0/16', '10.0.0.0/24'])).toBe(true);
  });
});

describe('verifyExotelRequest', () => {
  const base: WebhookRequest = {
    method: 'POST',
    url: 'https://hooks.callfleet.example/webhooks/exotel/acme/s3cr3t-path/status',
    headers: {},
    rawBody: Buffer.from('CallSid=abc&Status=completed'),
    remoteAddress: '54.251.1.10',
    pathSecret: 's3cr3t-path',
  };

  it('accepts the account’s secret path segment', () => {
    expect(verifyExotelRequest(base, { pathSecret: 's3cr3t-path' })).toBe(true);
  });

  it('refuses another segment, none, or an account without one', () => {
    expect(verifyExotelRequest({ ...base, pathSecret: 's3cr3t-patH' }, { pathSecret: 's3cr3t-path' })).toBe(false);
    expect(verifyExotelRequest({ ...base, pathSecret: undefined }, { pathSecret: 's3cr3t-path' })).toBe(false);
    expect(verifyExotelRequest(base, {})).toBe(false);
  });

  it('enforces the IP allow-list when the account has one', () => {
    expect(verifyExotelRequest(base, { pathSecret: 's3cr3t-path', ipAllowList: ['54.251.0.0/16'] })).toBe(true);
    expect(verifyExotelRequest(base, { pathSecret: 's3cr3t-path', ipAllowList: ['13.0.0.0/8'] })).toBe(false);
  });

  it('enforces basic auth from the callback URL when the account has it', () => {
    const secrets = { pathSecret: 's3cr3t-path', basicAuth: { username: 'exo', password: 'pa:ss' } };
    const good = `Basic ${Buffer.from('exo:pa:ss').toString('base64')}`;
    expect(verifyExotelRequest({ ...base, headers: { authorization: good } }, secrets)).toBe(true);
    expect(verifyExotelRequest(base, secrets)).toBe(false);
    expect(verifyExotelRequest({ ...base, headers: { authorization: 'Basic ZXhvOnBhc3M=' } }, secrets)).toBe(false);
  });
});
