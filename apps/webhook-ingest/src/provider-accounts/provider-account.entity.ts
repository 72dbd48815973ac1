import type { TelephonyProvider } from '@callfleet/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One provider account of an organization. Credentials and webhook secrets are sealed together
 * (AES-256-GCM, `secretsKeyId` names the key); only their names are kept in the clear.
 */
@Entity({ name: 'provider_accounts' })
export class ProviderAccountEntity {
  /** Chosen by us before the insert: the sealed secrets are bound to it. */
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text' })
  provider: TelephonyProvider;

  @Column({ name: 'account_key', type: 'text', unique: true })
  accountKey: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'api_base_url', type: 'text', nullable: true })
  apiBaseUrl: string | null;

  @Column({ name: 'ip_allow_list', type: 'text', array: true })
  ipAllowList: string[];

  @Column({ name: 'secret_names', type: 'text', array: true })
  secretNames: string[];

  @Column({ name: 'secrets_key_id', type: 'text' })
  secretsKeyId: string;

  @Column({ name: 'secrets_sealed', type: 'text' })
  secretsSealed: string;

  /** After a verified store, the recording pipeline deletes the provider's copy (Twilio only). */
  @Column({ name: 'delete_provider_recording_after_store', type: 'boolean', default: false })
  deleteProviderRecordingAfterStore: boolean;

  /** The account every org gets outside production, pointing at the simulator. */
  @Column({ name: 'is_dev_simulator', type: 'boolean', default: false })
  isDevSimulator: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
