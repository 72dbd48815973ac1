/**
 * Envelope of every JetStream event; `Nats-Msg-Id` = `id`, so JetStream drops a republished duplicate
 * (the outbox relay republishes after a crash between the PubAck and marking the event sent).
 */
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

/** `events.auth.v1.user-registered`: a new organization and its owner exist. */
export interface UserRegisteredData {
  userId: string;
  orgId: string;
  email: string;
}
