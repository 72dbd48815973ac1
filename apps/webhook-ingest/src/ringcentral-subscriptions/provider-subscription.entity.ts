import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SubscriptionStatus = 'pending' | 'active' | 'failing';

/** A RingCentral account's WebHook subscription, kept alive by its renewal job (one durable job per account). */
@Entity({ name: 'provider_subscriptions' })
export class ProviderSubscriptionEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'subscription_id', type: 'text', nullable: true })
  subscriptionId: string | null;

  @Column({ type: 'text' })
  status: SubscriptionStatus;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
