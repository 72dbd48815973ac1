/** Envelope of every JetStream event; `Nats-Msg-Id` = `id`, so JetStream drops a republished duplicate. */
export interface EventEnvelope<T = unknown> {
  id: string;
  type: string;
  occurredAt: string;
  orgId: string | null;
  correlationId: string | null;
  data: T;
}

export interface NotificationRequestedData {
  kind: 'password-reset' | 'email-verification' | 'invitation';
  userId: string;
  email: string;
  /** When the code expires; the code itself is never on the bus. */
  expiresAt: string;
}
