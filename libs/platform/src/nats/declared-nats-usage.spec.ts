import { AuthCommands, KvBuckets, ProviderAccountCommands, Streams, UserRegistered } from '@callfleet/contracts';
import { DeclaredNatsUsage, filterCovers, subjectMatches } from './declared-nats-usage';

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
      core: { publishes: ['media.v1.signals.*'], subscribes: ['media.v1.play.*'] },
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
    expect(() => declared.assertCorePublishes('media.v1.signals.call-1')).not.toThrow();
    expect(() => declared.assertCoreSubscribes('media.v1.play.*')).not.toThrow();
    expect(() => declared.assertCoreSubscribes('media.v1.play.call-1')).not.toThrow();
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
    expect(() => declared.assertCorePublishes('media.v1.audio.call-1')).toThrow(
      /publishes media\.v1\.audio\.call-1 on core NATS.*nats\.core\.publishes/,
    );
    // A wider subscription than declared would read more than the broker lets it.
    expect(() => declared.assertCoreSubscribes('media.v1.>')).toThrow(
      /subscribes to media\.v1\.>.*nats\.core\.subscribes/,
    );
    expect(() => declared.assertCoreSubscribes('media.v1.*.call-1')).toThrow(/nats\.core\.subscribes/);
    // A JetStream subject is not a core one, and the other way round.
    expect(() => declared.assertCorePublishes('ingress.twilio.v1.call-status')).toThrow(/nats\.core\.publishes/);
    expect(() => declared.assertPublishes('media.v1.signals.call-1')).toThrow(/nats\.publishes/);
  });

  it('refuses everything for a service that declares nothing', () => {
    const silent = DeclaredNatsUsage.of({ name: 'media-stream' });
    expect(() => silent.assertCalls(AuthCommands.Me.subject)).toThrow(/media-stream calls auth\.v1\.me/);
    expect(() => silent.assertBucket(KvBuckets.RATE_LIMITS)).toThrow();
  });
});

describe('filterCovers', () => {
  it.each([
    ['media.v1.play.*', 'media.v1.play.*', true],
    ['media.v1.play.*', 'media.v1.play.c1', true],
    ['media.v1.>', 'media.v1.play.*', true],
    ['media.v1.>', 'media.v1.>', true],
    ['media.v1.play.*', 'media.v1.>', false],
    ['media.v1.play.*', 'media.v1.*.c1', false],
    ['media.v1.play.*', 'media.v1.play', false],
    ['media.v1.play.c1', 'media.v1.play.*', false],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(filterCovers(outer, inner)).toBe(expected);
  });
});
