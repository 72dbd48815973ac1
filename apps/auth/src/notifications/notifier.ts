import { AuthEvents, type NotificationRequestedData } from '@callfleet/contracts';
import { JetStreamService } from '@callfleet/platform';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AuthConfig } from '../auth.config';

export type NotificationKind = NotificationRequestedData['kind'];

export interface CodeNotification {
  kind: NotificationKind;
  userId: string;
  orgId?: string | null;
  email: string;
  code: string;
  expiresAt: Date;
}

const SUBJECTS: Readonly<Record<NotificationKind, string>> = {
  'password-reset': 'Your Callfleet password reset code',
  'email-verification': 'Verify your email for Callfleet',
  invitation: 'You are invited to Callfleet',
};

/**
 * Delivers a code to a person: by mail when SMTP_URL is set; otherwise, outside production, into
 * the log (the one place a code is ever logged, so a developer can use it). Either way it
 * announces the request on the bus, without the code, for whoever sends mail or SMS fleet-wide.
 */
@Injectable()
export class Notifier implements OnApplicationShutdown {
  private readonly logger = new Logger('Notifier');
  private readonly mailer?: Transporter;
  private warnedNoDelivery = false;

  constructor(
    private readonly config: AuthConfig,
    private readonly jetstream: JetStreamService,
  ) {
    if (config.SMTP_URL) this.mailer = createTransport(config.SMTP_URL);
  }

  async send(notification: CodeNotification): Promise<void> {
    await this.deliver(notification);
    const data: NotificationRequestedData = {
      kind: notification.kind,
      userId: notification.userId,
      email: notification.email,
      expiresAt: notification.expiresAt.toISOString(),
    };
    try {
      await this.jetstream.publishEvent(AuthEvents.NOTIFICATION_REQUESTED, data, { orgId: notification.orgId ?? null });
    } catch (error) {
      // The code is stored and (where possible) delivered; the person's request must not fail for the bus.
      this.logger.error({ msg: 'notification event not published', notification: data.kind, error: String(error) });
    }
  }

  private async deliver({ kind, email, code, expiresAt }: CodeNotification): Promise<void> {
    if (this.mailer) {
      try {
        await this.mailer.sendMail({
          from: this.config.MAIL_FROM,
          to: email,
          subject: SUBJECTS[kind],
          text: `Your code is ${code}. It expires at ${expiresAt.toISOString()}.\nIf you did not ask for it, ignore this mail.`,
        });
      } catch (error) {
        // The person can ask for a new code; failing their request would not bring this one back.
        this.logger.error({ msg: 'mail delivery failed', notification: kind, error: (error as Error).message });
      }
      return;
    }
    if (this.config.NODE_ENV !== 'production') {
      this.logger.log({ msg: 'code notification (no SMTP_URL: logged, dev only)', notification: kind, email, code });
      return;
    }
    if (!this.warnedNoDelivery) {
      this.warnedNoDelivery = true;
      this.logger.warn('SMTP_URL is not set: codes are not delivered by mail (only announced on the bus)');
    }
  }

  onApplicationShutdown(): void {
    this.mailer?.close();
  }
}
