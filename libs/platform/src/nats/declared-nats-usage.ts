import type { CommandDescriptor, EventDescriptor } from '@callfleet/contracts';
import { type EffectiveNatsUsage, natsUsageOf } from '../bootstrap/nats-usage';
import type { ServiceDefinition } from '../bootstrap/service-definition';

/** A subject the service's definition does not declare: the broker would refuse it too. */
export class UndeclaredNatsUseError extends Error {
  constructor(service: string, what: string, fix: string) {
    super(`${service} ${what}, which its definition does not declare (${fix} in its *.definition.ts)`);
    this.name = 'UndeclaredNatsUseError';
  }
}

/** Whether `subject` falls under `filter` (NATS wildcards: `*` one token, `>` the rest). */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

/** Whether every subject `inner` (itself a filter) matches also falls under `outer`. */
export function filterCovers(outer: string, inner: string): boolean {
  const o = outer.split('.');
  const i = inner.split('.');
  for (let k = 0; k < o.length; k++) {
    if (o[k] === '>') return i.length > k;
    if (k >= i.length || i[k] === '>') return false;
    if (o[k] !== '*' && (i[k] === '*' || o[k] !== i[k])) return false;
  }
  return o.length === i.length;
}

/**
 * What a service's definition says it does on NATS, checked where the platform does it: a handler
 * or consumer at start, a call, a publish or a KV bucket at the call. The broker's permissions are
 * generated from the same declaration (tools/nats), so a use missing from it fails here, with its
 * name and the fix, instead of as a permission violation in production. Subjects are the
 * documented ones (no namespace).
 */
export class DeclaredNatsUsage {
  private readonly usage: EffectiveNatsUsage;

  private constructor(
    private readonly service: string,
    definition: Pick<ServiceDefinition, 'nats' | 'streams'>,
  ) {
    this.usage = natsUsageOf(definition);
  }

  /** From a service definition (or, in a test of the platform itself, a stand-in naming what it does). */
  static of(definition: Pick<ServiceDefinition, 'nats' | 'streams'> & { name: string }): DeclaredNatsUsage {
    return new DeclaredNatsUsage(definition.name, definition);
  }

  assertServes(command: CommandDescriptor): void {
    if (!this.usage.serves.some((c) => c.subject === command.subject))
      throw new UndeclaredNatsUseError(this.service, `answers ${command.subject}`, 'add it to nats.serves');
  }

  assertCalls(subject: string): void {
    if (!this.usage.calls.some((c) => c.subject === subject))
      throw new UndeclaredNatsUseError(this.service, `calls ${subject}`, 'add it to nats.calls');
  }

  assertPublishes(subject: string): void {
    if (!this.usage.publishes.some((filter) => subjectMatches(filter, subject)))
      throw new UndeclaredNatsUseError(this.service, `publishes ${subject}`, 'add it to nats.publishes');
  }

  assertConsumes(event: EventDescriptor, durable: string): void {
    if (!this.usage.consumes.some((c) => c.durable === durable && c.event.stream === event.stream))
      throw new UndeclaredNatsUseError(
        this.service,
        `consumes ${event.stream} as ${durable}`,
        'add it to nats.consumes',
      );
  }

  /** A live reader of `subject` on `stream`: the filter must be one declared in nats.follows. */
  assertFollows(stream: string, subject: string): void {
    if (!this.usage.follows.some((f) => f.stream === stream && f.subject === subject))
      throw new UndeclaredNatsUseError(
        this.service,
        `follows ${subject} on ${stream}`,
        'add { stream, subject } to nats.follows',
      );
  }

  assertStream(name: string): void {
    if (!this.usage.streams.includes(name))
      throw new UndeclaredNatsUseError(this.service, `manages stream ${name}`, 'add it to streams, or consume from it');
  }

  /** A plain core-NATS publish (not a command, not JetStream). */
  assertCorePublishes(subject: string): void {
    if (!this.usage.core.publishes.some((filter) => subjectMatches(filter, subject)))
      throw new UndeclaredNatsUseError(
        this.service,
        `publishes ${subject} on core NATS`,
        'add it to nats.core.publishes',
      );
  }

  /** A plain core-NATS subscription: `subject` (a filter itself) must lie within a declared filter. */
  assertCoreSubscribes(subject: string): void {
    if (!this.usage.core.subscribes.some((filter) => filterCovers(filter, subject)))
      throw new UndeclaredNatsUseError(
        this.service,
        `subscribes to ${subject} on core NATS`,
        'add it to nats.core.subscribes',
      );
  }

  assertBucket(name: string): void {
    if (!this.usage.kv.includes(name))
      throw new UndeclaredNatsUseError(this.service, `uses KV bucket ${name}`, 'add it to nats.kv');
  }
}
