import { AuthCommands, type CommandDescriptor, type EventDescriptor, KvBuckets, Streams } from '@callfleet/contracts';
import { deadLetterSubject } from '../jetstream/jetstream.service';
import type { FollowedSubject, ServiceDefinition } from './service-definition';

/** Everything a service does on NATS: what it declared plus what the platform does on its behalf. */
export interface EffectiveNatsUsage {
  readonly serves: readonly CommandDescriptor[];
  readonly calls: readonly CommandDescriptor[];
  /** Event subjects (or filters) it publishes to JetStream, its consumers' dead letters included. */
  readonly publishes: readonly string[];
  readonly consumes: readonly { readonly event: EventDescriptor; readonly durable: string }[];
  /** Filters it reads live through ordered consumers (declared `follows`). */
  readonly follows: readonly FollowedSubject[];
  readonly kv: readonly string[];
  /** Plain core-NATS subjects (filters) it publishes to and subscribes to, outside commands and JetStream. */
  readonly core: { readonly publishes: readonly string[]; readonly subscribes: readonly string[] };
  /**
   * Streams it creates, updates and reads the info of: its own (`streams`), the ones it consumes from
   * (a consumer may start before the publisher made the stream) and DEAD_LETTER when it consumes.
   */
  readonly streams: readonly string[];
}

function unique<T>(items: readonly T[], key: (item: T) => string = String): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/**
 * The effective usage of a service. A service answering a public command verifies the caller's
 * credential as the gateway does, so it also calls AuthCommands.ApiKeyVerify and AuthCommands.Jwks
 * and reads the revoked tokens.
 */
export function natsUsageOf(definition: Pick<ServiceDefinition, 'nats' | 'streams'>): EffectiveNatsUsage {
  const declared = definition.nats ?? {};
  const serves = declared.serves ?? [];
  const consumes = declared.consumes ?? [];
  const servesPublic = serves.some((command) => command.public);
  const streams = [
    ...(definition.streams ?? []).map((stream) => stream.name),
    ...consumes.map(({ event }) => event.stream),
    ...(consumes.length > 0 ? [Streams.DEAD_LETTER.name] : []),
  ];
  return {
    serves: unique(serves, (command) => command.subject),
    calls: unique(
      [...(declared.calls ?? []), ...(servesPublic ? [AuthCommands.ApiKeyVerify, AuthCommands.Jwks] : [])],
      (command) => command.subject,
    ),
    publishes: unique([
      ...(declared.publishes ?? []),
      ...consumes.map(({ event }) => deadLetterSubject(event.subject)),
    ]),
    consumes: unique(consumes, ({ event, durable }) => `${event.stream}/${durable}`),
    follows: unique(declared.follows ?? [], ({ stream, subject }) => `${stream}/${subject}`),
    kv: unique([...(declared.kv ?? []), ...(servesPublic ? [KvBuckets.REVOKED_TOKENS] : [])]),
    streams: unique(streams),
    core: { publishes: unique(declared.core?.publishes ?? []), subscribes: unique(declared.core?.subscribes ?? []) },
  };
}
