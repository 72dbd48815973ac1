import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsISO8601, IsObject, IsUUID, ValidateNested } from 'class-validator';
import { EventEnvelopeFields } from '../events/event-envelope';
import { defineEvent } from '../nats/event-descriptor';
import { Streams } from '../nats/streams';

/** Subjects of auth's events (stream EVENTS), published in the event envelope. */
export const AuthEvents = {
  NOTIFICATION_REQUESTED: 'events.auth.v1.notification-requested',
  USER_REGISTERED: 'events.auth.v1.user-registered',
} as const;

export const NOTIFICATION_KINDS = ['password-reset', 'email-verification', 'invitation'] as const;

export class NotificationRequestedData {
  @IsIn(NOTIFICATION_KINDS)
  kind: (typeof NOTIFICATION_KINDS)[number];

  @IsUUID()
  userId: string;

  @IsEmail()
  email: string;

  /** When the code expires; the code itself is never on the bus. */
  @IsISO8601({ strict: true })
  expiresAt: string;
}

/** `events.auth.v1.user-registered`: a new organization and its owner exist. */
export class UserRegisteredData {
  @IsUUID()
  userId: string;

  @IsUUID()
  orgId: string;

  @IsEmail()
  email: string;
}

export class NotificationRequestedEvent extends EventEnvelopeFields {
  @IsObject()
  @ValidateNested()
  @Type(() => NotificationRequestedData)
  data: NotificationRequestedData;
}

export class UserRegisteredEvent extends EventEnvelopeFields {
  @IsObject()
  @ValidateNested()
  @Type(() => UserRegisteredData)
  data: UserRegisteredData;
}

export const NotificationRequested = defineEvent({
  stream: Streams.EVENTS.name,
  subject: AuthEvents.NOTIFICATION_REQUESTED,
  payload: NotificationRequestedEvent,
});

export const UserRegistered = defineEvent({
  stream: Streams.EVENTS.name,
  subject: AuthEvents.USER_REGISTERED,
  payload: UserRegisteredEvent,
});
