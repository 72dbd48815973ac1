import { AuthCommands, KvBuckets, ProviderAccountCommands, Streams, UserRegistered } from '@callfleet/contracts';
import { natsUsageOf } from './nats-usage';

describe('natsUsageOf', () => {
  it('adds credential checks to a service answering a public command', () => {
    const usage = natsUsageOf({ nats: { serves: [ProviderAccountCommands.List] } });
    expect(usage.calls.map((c) => c.subject)).toEqual([AuthCommands.ApiKeyVerify.subject, AuthCommands.Jwks.subject]);
    expect(usage.kv).toEqual([KvBuckets.REVOKED_TOKENS]);
  });

  it('adds nothing to a service answering only internal commands', () => {
    const usage = natsUsageOf({ nats: { serves: [AuthCommands.Login], calls: [AuthCommands.Login] } });
    expect(usage.calls.map((c) => c.subject)).toEqual([AuthCommands.Login.subject]);
    expect(usage.kv).toEqual([]);
  });

  it('does not repeat what the service declared itself', () => {
    const usage = natsUsageOf({
      nats: { serves: [AuthCommands.Me], calls: [AuthCommands.Jwks], kv: [KvBuckets.REVOKED_TOKENS] },
    });
    expect(usage.calls.map((c) => c.subject)).toEqual([AuthCommands.Jwks.subject, AuthCommands.ApiKeyVerify.subject]);
    expect(usage.kv).toEqual([KvBuckets.REVOKED_TOKENS]);
  });

  it("gives a consumer its event's stream, the dead-letter stream and its dead-letter subject", () => {
    const usage = natsUsageOf({
      streams: [Streams.INGRESS],
      nats: { consumes: [{ event: UserRegistered, durable: 'd' }] },
    });
    expect(usage.streams).toEqual(['INGRESS', 'EVENTS', 'DEAD_LETTER']);
    expect(usage.publishes).toEqual([`dlq.${UserRegistered.subject}`]);
  });

  it('is empty for a service that declares nothing', () => {
    expect(natsUsageOf({})).toEqual({
      serves: [],
      calls: [],
      publishes: [],
      consumes: [],
      follows: [],
      kv: [],
      streams: [],
      core: { publishes: [], subscribes: [] },
    });
  });
});
