import { canonicalJson, hashedEventId, MAX_EVENT_ID_LENGTH, providerEventId } from './event-id';

describe('canonicalJson', () => {
  it('does not depend on key order, at any depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } })).toBe(
      canonicalJson({ a: { c: 'x', d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('keeps array order and drops undefined fields', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });
});

describe('providerEventId', () => {
  it('puts the account right after the provider, so equal provider ids on two accounts differ', () => {
    expect(providerEventId('generic', 'acme', 'msg_1')).toBe('generic:acme:msg_1');
    expect(providerEventId('twilio', 'acme', 'CA1', 'ringing', 3)).toBe('twilio:acme:CA1:ringing:3');
    expect(providerEventId('generic', 'globex', 'msg_1')).not.toBe(providerEventId('generic', 'acme', 'msg_1'));
  });

  it('hashes provider ids too long or unfit for a NATS header into a bounded id, the same for every repeat', () => {
    for (const sent of ['a'.repeat(100_000), 'msg\r\nNats-Expected-Stream: X', 'msg\u0000', 'zoë']) {
      const id = providerEventId('generic', 'acme', sent);
      expect(id).toMatch(/^generic:acme:sha256:[0-9a-f]{64}$/);
      expect(providerEventId('generic', 'acme', sent)).toBe(id);
      expect(providerEventId('generic', 'globex', sent)).not.toBe(id);
    }
    expect(providerEventId('generic', 'acme', 'a'.repeat(100_000))).not.toBe(
      providerEventId('generic', 'acme', 'a'.repeat(100_001)),
    );
    const longest = 'x'.repeat(MAX_EVENT_ID_LENGTH - 'generic:acme:'.length);
    expect(providerEventId('generic', 'acme', longest)).toBe(`generic:acme:${longest}`);
  });
});

describe('hashedEventId', () => {
  const payload = { CallSid: 'c1', Status: 'completed' };

  it('is stable for the same payload and account', () => {
    expect(hashedEventId('exotel', 'a', payload)).toBe(
      hashedEventId('exotel', 'a', { Status: 'completed', CallSid: 'c1' }),
    );
  });

  it('differs by account, by payload and by discriminator', () => {
    const id = hashedEventId('exotel', 'a', payload);
    expect(hashedEventId('exotel', 'b', payload)).not.toBe(id);
    expect(hashedEventId('exotel', 'a', { ...payload, Status: 'busy' })).not.toBe(id);
    expect(hashedEventId('exotel', 'a', payload, 'recording')).not.toBe(id);
  });

  it('carries the account in the id like every other id', () => {
    expect(hashedEventId('exotel', 'acme', payload)).toMatch(/^exotel:acme:sha256:[0-9a-f]{64}$/);
  });
});
