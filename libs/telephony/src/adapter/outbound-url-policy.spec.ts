import {
  addressScope,
  assertOutboundUrlAllowed,
  type OutboundUrlPolicy,
  outboundUrlPolicyFor,
  outboundUrlRefusal,
} from './outbound-url-policy';

const production: OutboundUrlPolicy = { mode: 'production' };
const development: OutboundUrlPolicy = { mode: 'development' };
/** A resolver answering from a table, so no test asks real DNS. */
const resolvingTo =
  (addresses: string[]): OutboundUrlPolicy['resolve'] =>
  async () =>
    addresses;

describe('addressScope', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['0.0.0.0', 'reserved'],
    ['::', 'reserved'],
    ['::127.0.0.1', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['not-an-ip', 'reserved'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['2606:4700::1111', 'public'],
    ['64:ff9b::808:808', 'public'],
  ])('%s is %s', (address, scope) => {
    expect(addressScope(address)).toBe(scope);
  });
});

describe('outboundUrlRefusal in production', () => {
  it.each([
    ['twilio', 'https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json'],
    ['exotel', 'https://api.in.exotel.com/v1/Accounts/acme/Calls/connect.json'],
    ['exotel', 'https://recordings.exotel.com/exotelrecordings/acme/c1.mp3'],
    ['exotel', 'https://s3-ap-southeast-1.amazonaws.com/exotelrecordings/acme/c1.mp3'],
    ['ringcentral', 'https://platform.ringcentral.com/restapi/v1.0/account/~/telephony/call-out'],
    ['ringcentral', 'https://media.ringcentral.com/restapi/v1.0/account/1/recording/2/content'],
  ] as const)('lets %s call %s', (provider, url) => {
    expect(outboundUrlRefusal(url, provider, production)).toBeUndefined();
  });

  it.each([
    ['twilio', 'http://api.twilio.com/x', 'must be https'],
    ['twilio', 'https://user:pass@api.twilio.com/x', 'credentials'],
    ['twilio', 'https://api.exotel.com/x', 'not an official twilio host'],
    ['twilio', 'https://api.twilio.com.evil.example/x', 'not an official'],
    ['exotel', 'https://evilexotel.com/x', 'not an official'],
    ['exotel', 'https://s3-ap-southeast-1.amazonaws.com/someone-else/c1.mp3', 'not an official'],
    ['exotel', 'https://s3-ap-southeast-1.amazonaws.com/exotelrecordings/../someone-else/x', 'not an official'],
    ['exotel', 'https://169.254.169.254/latest/meta-data', 'not an official'],
    ['ringcentral', 'https://localhost/restapi', 'not an official'],
    ['jambonz', 'https://jambonz.example/api', 'not an official'],
    ['twilio', 'file:///etc/passwd', 'must be https'],
    ['twilio', 'not a url', 'not a valid URL'],
  ] as const)('refuses %s calling %s', (provider, url, reason) => {
    expect(outboundUrlRefusal(url, provider, production)).toContain(reason);
  });

  it('lets a redirect leave the official hosts, but never for an internal address', () => {
    const storage = 'https://signed-media.storage.example/rec.wav?sig=1';
    expect(outboundUrlRefusal(storage, 'twilio', production, 'redirect')).toBeUndefined();
    for (const internal of [
      'https://10.0.0.8/x',
      'https://172.20.1.1/x',
      'https://192.168.0.1/x',
      'https://127.0.0.1/x',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[fe80::1]/x',
      'https://[::ffff:a9fe:a9fe]/x',
      'https://2130706433/x',
    ]) {
      expect(outboundUrlRefusal(internal, 'twilio', production, 'redirect')).toContain('internal address');
    }
    expect(outboundUrlRefusal('http://signed-media.storage.example/x', 'twilio', production, 'redirect')).toBe(
      'must be https',
    );
  });
});

describe('outboundUrlRefusal outside production', () => {
  it('lets the simulator be reached over http on loopback and private networks', () => {
    for (const url of ['http://127.0.0.1:3900/x', 'http://localhost:3900/x', 'http://telephony-sim:3900/x']) {
      expect(outboundUrlRefusal(url, 'twilio', development)).toBeUndefined();
    }
    expect(outboundUrlRefusal('http://10.0.0.8/x', 'exotel', development, 'redirect')).toBeUndefined();
  });

  it('still refuses link-local addresses (cloud metadata) and other schemes', () => {
    expect(outboundUrlRefusal('http://169.254.169.254/latest', 'exotel', development)).toContain('internal');
    expect(outboundUrlRefusal('http://[fe80::1]/x', 'exotel', development, 'redirect')).toContain('internal');
    expect(outboundUrlRefusal('ftp://127.0.0.1/x', 'exotel', development)).toBe('must be http(s)');
  });
});

describe('assertOutboundUrlAllowed', () => {
  it('refuses an official host that resolves to any internal address', async () => {
    const policy = { ...production, resolve: resolvingTo(['52.1.2.3', '10.0.0.5']) };
    await expect(assertOutboundUrlAllowed('https://api.twilio.com/x', 'twilio', policy)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringContaining('resolves to an internal address'),
    });
  });

  it('accepts an official host resolving to public addresses only', async () => {
    const policy = { ...production, resolve: resolvingTo(['52.1.2.3', '2600:1f18::1']) };
    await expect(assertOutboundUrlAllowed('https://api.twilio.com/x', 'twilio', policy)).resolves.toBeUndefined();
  });

  it('refuses a redirect to a hostname that resolves to loopback (localhost, real resolver)', async () => {
    await expect(
      assertOutboundUrlAllowed('https://localhost/metrics', 'exotel', production, 'redirect'),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('refuses a dev hostname resolving to link-local, and names the host but not the URL', async () => {
    const policy = { ...development, resolve: resolvingTo(['169.254.169.254']) };
    const refusal = assertOutboundUrlAllowed('http://metadata.internal/x?token=s3cret', 'exotel', policy);
    await expect(refusal).rejects.toMatchObject({ message: expect.stringContaining('metadata.internal') });
    await expect(refusal).rejects.toMatchObject({ message: expect.not.stringContaining('s3cret') });
  });
});

describe('outboundUrlPolicyFor', () => {
  it('is production unless NODE_ENV says development or test', () => {
    expect(outboundUrlPolicyFor('production').mode).toBe('production');
    expect(outboundUrlPolicyFor('staging').mode).toBe('production');
    expect(outboundUrlPolicyFor('test').mode).toBe('development');
    expect(outboundUrlPolicyFor('development').mode).toBe('development');
    expect(outboundUrlPolicyFor(undefined).mode).toBe('development');
  });
});
