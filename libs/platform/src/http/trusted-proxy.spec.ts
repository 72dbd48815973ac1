import { trustedProxyHops } from './trusted-proxy';

describe('trustedProxyHops: how far X-Forwarded-For is believed', () => {
  it('believes nothing with no proxy in front', () => {
    expect(trustedProxyHops(0)).toBe(false);
  });

  it('trusts exactly as many hops as there are proxies, counting the socket peer as hop 0', () => {
    const one = trustedProxyHops(1);
    const two = trustedProxyHops(2);
    if (!one || !two) throw new Error('expected a trust function');
    expect([0, 1].map((hop) => one('10.0.0.1', hop))).toEqual([true, false]);
    expect([0, 1, 2].map((hop) => two('10.0.0.1', hop))).toEqual([true, true, false]);
  });
});
