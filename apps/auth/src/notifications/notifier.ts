import { AuthEvents, type NotificationRequestedData } from '@callfleet/contracts';
import { Outbox } from '@callfleet/persistence';
import { MetricsService } from '@callfleet/platform';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { EntityManager } from 'typeorm';
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

/** nodemailer's defaults are minutes; a stuck mail server must give up long before anyone notices. */
const SMTP_TIMEOUT_MS = 3000;

/**
 * Delivers a code to a person: by mail when SMTP_URL is set; otherwise, outside production, into
 * the log (the one place a code is ever logged, so a developer can use it). Either way the request
 * is announced on the bus, without the code, for whoever sends mail or SMS fleet-wide: through the
 * outbox, in the transaction that stores the code, so the announcement is never lost.
 * Mail goes out in the background, after the commit: the gateway gives a request 5 s, a slow SMTP
 * server can take longer even with tight timeouts, and the person can always ask for a new code.
 */
@Injectable()
export class Notifier implements OnApplicationShutdown {
  private readonly logger = new Logger('Notifier');
  private readonly mailer?: Transporter;
  /** Mails still being sent, so shutdown lets them finish (each is bounded by the SMTP timeouts). */
  private readonly mailsInFlight = new Set<Promise<void>>();
  private warnedNoDelivery = false;

  constructor(
    private readonly config: AuthConfig,
    private readonly outbox: Outbox,
    private readonly metrics: MetricsService,
  ) {
    if (config.SMTP_URL) {
      // Timeouts set in the URL's query string, if any, win over these.
      this.mailer = createTransport({
        url: config.SMTP_URL,
        connectionTimeout: SMTP_TIMEOUT_MS,
        greetingTimeout: SMTP_TIMEOUT_MS,
        socketTimeout: SMTP_TIMEOUT_MS,
      });
    }
  }

  /** Adds the notification-requested event to the transaction that stores the code (`manager`). */
  async announce(manager: EntityManager, notification: CodeNotification): Promise<void> {
    const data: NotificationRequestedData = {
      kind: notification.kind,
      userId: notification.userId,
      email: notification.email,
      expiresAt: notification.expiresAt.toISOString(),
    };
    await this.outbox.add(manager, AuthEvents.NOTIFICATION_REQUESTED, data, { orgId: notification.orgId ?? null });
  }

  /** Sends the code on its way; call it after the code is committed. Never throws. */
  deliver(notification: CodeNotification): void {
    const { kind, email, code } = notification;
    if (this.mailer) {
      const mailing = this.mail(this.mailer, notification).finally(() => this.mailsInFlight.delete(mailing));
      this.mailsInFlight.add(mailing);
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

  /** Never rejects: a failed mail is logged and counted, and the person can ask for a new code. */
  private async mail(mailer: Transporter, { kind, email, code, expiresAt }: CodeNotification): Promise<void> {
    const deliveries = this.metrics.counter('callfleet_auth_mail_deliveries_total', 'Code mails by outcome', [
      'outcome',
    ]);
    try {
      await mailer.sendMail({
        from: this.config.MAIL_FROM,
        to: email,
        subject: SUBJECTS[kind],
        text: `Your code is ${code}. It expires at ${expiresAt.toISOString()}.\nIf you did not ask for it, ignore this mail.`,
      });
      deliveries.inc({ outcome: 'sent' });
    } catch (error) {
      deliveries.inc({ outcome: 'failed' });
      this.logger.error({ msg: 'mail delivery failed', notification: kind, error: (error as Error).message });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.mailsInFlight);
    this.mailer?.close();
  }
}
