import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One webhook request as it was answered, for operators (kept DELIVERY_LOG_RETENTION_DAYS). */
@Entity({ name: 'webhook_delivery_log' })
export class WebhookDeliveryLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  @Column({ name: 'request_id', type: 'text' })
  requestId: string;

  @Column({ type: 'text' })
  provider: string;

  @Column({ name: 'account_key', type: 'text', nullable: true })
  accountKey: string | null;

  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'status_code', type: 'integer' })
  statusCode: number;

  @Column({ name: 'latency_ms', type: 'real' })
  latencyMs: number;

  @Column({ type: 'text' })
  verification: string;

  @Column({ name: 'event_count', type: 'integer' })
  eventCount: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
