import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A provider event already published to INGRESS; a repeat of it is answered 200 and not published again. */
@Entity({ name: 'processed_webhook_events' })
export class ProcessedWebhookEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ type: 'text' })
  provider: string;

  @Column({ name: 'account_key', type: 'text' })
  accountKey: string;

  @Column({ name: 'processed_at', type: 'timestamptz' })
  processedAt: Date;
}
