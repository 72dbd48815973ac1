import { AuthCommands, KvBuckets, ProviderAccountCommands, Streams, UserRegistered } from '@callfleet/contracts';
import { DeclaredNatsUsage, subjectMatches } from './declared-nats-usage';

describe('subjectMatches', () => {
  it.each([
    ['ingress.>', 'ingress.twilio.v1.call-status', true],
    ['ingress.>', 'ingress', false],
    ['events.*.v1.x', 'events.auth.v1.x', true],
    ['events.*.v1.x', 'events.auth.v1.x.y', false],
    ['events.auth.v1.user-registered', 'events.auth.v1.user-registered', true],
    ['events.auth.v1.user-registered', 'events.auth.v1.user', false],
  ])('%s covers %s: %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected);
  });
});

describe('DeclaredNatsUsage', () => {
  const declared = DeclaredNatsUsage.of({
    name: 'webhook-ingest',
    streams: [Streams.INGRESS],
    nats: {
      serves: [ProviderAccountCommands.List],
      calls: [AuthCommands.Me],
      publishes: ['ingress.>'],
      consumes: [{ event: UserRegistered, durable: 'dev-accounts' }],
      kv: [KvBuckets.WEBHOOK_RATE_LIMITS],
    },
  });

  it('lets through what the definition declares, and what the platform adds for it', () => {
    expect(() => declared.assertServes(ProviderAccountCommands.List)).not.toThrow();
    expect(() => declared.assertCalls(AuthCommands.Me.subject)).not.toThrow();
    // Implied by serving a public command: checking the caller's credential.
    expect(() => declared.assertCalls(AuthCommands.ApiKeyVerify.subject)).not.toThrow();
    expect(() => declared.assertBucket(KvBuckets.REVOKED_TOKENS)).not.toThrow();
    expect(() => declared.assertPublishes('ingress.twilio.v1.call-status')).not.toThrow();
    expect(() => declared.assertPublishes(`dlq.${UserRegistered.subject}`)).not.toThrow();
    expect(() => declared.assertConsumes(UserRegistered, 'dev-accounts')).not.toThrow();
    for (const stream of ['INGRESS', 'EVENTS', 'DEAD_LETTER'])
      expect(() => declared.assertStream(stream)).not.toThrow();
  });

  it('refuses anything else, naming the service, the subject and where to declare it', () => {
    expect(() => declared.assertServes(ProviderAccountCommands.Delete)).toThrow(
      'webhook-ingest answers provider-accounts.v1.delete, which its definition does not declare (add it to nats.serves in its *.definition.ts)',
    );
    expect(() => declared.assertCalls(AuthCommands.Login.subject)).toThrow(/calls auth\.v1\.login.*nats\.calls/);
    expect(() => declared.assertPublishes('events.auth.v1.user-registered')).toThrow(/nats\.publishes/);
    expect(() => declared.assertConsumes(UserRegistered, 'another')).toThrow(
      /consumes EVENTS as another.*nats\.consumes/,
    );
    expect(() => declared.assertBucket(KvBuckets.RATE_LIMITS)).toThrow(/KV bucket rate-limits.*nats\.kv/);
    expect(() => declared.assertStream('LATER')).toThrow(/manages stream LATER/);
  });

  it('refuses everything for a service that declares nothing', () => {
    const silent = DeclaredNatsUsage.of({ name: 'media-stream' });
    expect(() => silent.assertCalls(AuthCommands.Me.subject)).toThrow(/media-stream calls auth\.v1\.me/);
    expect(() => silent.assertBucket(KvBuckets.RATE_LIMITS)).toThrow();
  });
});
