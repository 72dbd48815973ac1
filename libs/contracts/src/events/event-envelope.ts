import 'reflect-metadata';
import { IsISO8601, IsString, IsUUID, Length, ValidateIf } from 'class-validator';

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

/** Metadata key marking a field that must be present and may be `null` (see `Nullable`). */
export const NULLABLE_FIELD = 'callfleet:nullable';

/** The field is required and is either `null` or passes the field's other rules. */
export function Nullable(): PropertyDecorator {
  return (target, key) => {
    ValidateIf((_object, value) => value !== null)(target, key);
    Reflect.defineMetadata(NULLABLE_FIELD, true, target, key);
  };
}

/**
 * The envelope's fields with their rules; each event's class adds `data` (validated as its own
 * class), so a consumer receives a checked event or none at all.
 */
export abstract class EventEnvelopeFields {
  @IsUUID()
  id: string;

  @IsString()
  @Length(1, 200)
  type: string;

  @IsISO8601({ strict: true })
  occurredAt: string;

  @Nullable()
  @IsUUID()
  orgId: string | null;

  @Nullable()
  @IsString()
  @Length(1, 200)
  correlationId: string | null;
}
