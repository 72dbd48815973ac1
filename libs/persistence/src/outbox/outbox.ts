import type { EventEnvelope } from '@callfleet/contracts';
import {
  Clock,
  contextHeaders,
  DeclaredNatsUsage,
  type EventMeta,
  eventEnvelope,
  RequestContext,
} from '@callfleet/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { outboxChannel, outboxTable } from './outbox-table';

export interface OutboxEventMeta extends EventMeta {
  /**
   * Events with the same key are published in the order they were added (an aggregate's id, say);
   * events without one are published as soon as possible, in any order.
   */
  orderKey?: string | null;
}

/** The schema a data source works in (the service's own). */
export function schemaOf(dataSource: DataSource): string {
  const schema = (dataSource.options as { schema?: string }).schema;
  if (!schema) throw new Error('the outbox needs a data source with its own schema');
  return schema;
}

/**
 * Where a state change puts its events: in the same transaction as the change, so the events exist
 * if and only if the change was committed. The relay publishes them after the commit.
 */
@Injectable()
export class Outbox {
  private readonly insert: string;
  private readonly insertMany: string;
  private readonly channel: string;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DeclaredNatsUsage) private readonly declared: DeclaredNatsUsage,
  ) {
    const schema = schemaOf(dataSource);
    this.channel = outboxChannel(schema);
    // One round trip: the row, and the NOTIFY that PostgreSQL delivers to the relays on commit.
    this.insert = `
      WITH added AS (
        INSERT INTO ${outboxTable(schema)} (event_id, subject, envelope, headers, order_key, created_at, available_at)
        VALUES ($1, $2, $3, $4, $5, $6, $6)
        RETURNING id
      )
      SELECT pg_notify('${this.channel}', '') FROM added`;
    // Many events in one statement, their ids in the order given (what the relay publishes them in).
    this.insertMany = `
      WITH added AS (
        INSERT INTO ${outboxTable(schema)} (event_id, subject, envelope, headers, order_key, created_at, available_at)
        SELECT e.event_id, e.subject, e.envelope, $4::jsonb, e.order_key, $6, $6
          FROM unnest($1::uuid[], $2::text[], $3::json[], $5::text[]) WITH ORDINALITY
            AS e(event_id, subject, envelope, order_key, n)
         ORDER BY e.n
        RETURNING id
      )
      SELECT pg_notify('${this.channel}', '') FROM (SELECT 1 FROM added LIMIT 1) one`;
  }

  /**
   * Adds the event `subject` with `data` to the transaction `manager` runs. Refuses a manager outside
   * a transaction: the guarantee is "committed with the change", and autocommit would break it.
   */
  async add<T>(
    manager: EntityManager,
    subject: string,
    data: T,
    meta: OutboxEventMeta = {},
  ): Promise<EventEnvelope<T>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.add needs the EntityManager of an open transaction');
    }
    // Here rather than at the relay: an undeclared subject fails the change, not every publish after it.
    this.declared.assertPublishes(subject);
    const envelope = eventEnvelope(subject, data, meta, this.clock.now());
    // The request's identity and trace travel with the event, as a direct publish would send them.
    const headers = Object.fromEntries(
      [...contextHeaders(RequestContext.current())].map(([name, values]) => [name, values.join(',')]),
    );
    await manager.query(this.insert, [
      envelope.id,
      subject,
      JSON.stringify(envelope),
      JSON.stringify(headers),
      meta.orderKey ?? null,
      envelope.occurredAt,
    ]);
    return envelope;
  }

  /**
   * `add` for many events of one change at once (one statement), published in the order given.
   * Same guarantees: inside the caller's open transaction, declared subjects only.
   */
  async addMany<T>(
    manager: EntityManager,
    events: readonly { subject: string; data: T; meta?: OutboxEventMeta }[],
  ): Promise<EventEnvelope<T>[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.addMany needs the EntityManager of an open transaction');
    }
    if (events.length === 0) return [];
    for (const event of events) this.declared.assertPublishes(event.subject);
    const now = this.clock.now();
    const envelopes = events.map((e) => eventEnvelope(e.subject, e.data, e.meta ?? {}, now));
    const headers = Object.fromEntries(
      [...contextHeaders(RequestContext.current())].map(([name, values]) => [name, values.join(',')]),
    );
    await manager.query(this.insertMany, [
      envelopes.map((e) => e.id),
      envelopes.map((e) => e.type),
      envelopes.map((e) => JSON.stringify(e)),
      JSON.stringify(headers),
      events.map((e) => e.meta?.orderKey ?? null),
      now.toISOString(),
    ]);
    return envelopes;
  }
}
