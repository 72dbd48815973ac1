import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** Why a request got no reply. */
export type ReplyFailureReason = 'timeout' | 'no-responders' | 'closed';

export class ReplyFailure extends Error {
  constructor(
    readonly reason: ReplyFailureReason,
    subject: string,
  ) {
    super(`${subject}: ${reason}`);
  }
}

interface Pending {
  subject: string;
  resolve: (msg: Msg) => void;
  reject: (error: ReplyFailure) => void;
  timer: NodeJS.Timeout;
}

/**
 * Request/reply over one wildcard inbox subscription per connection, as `nc.request` does, but
 * without its per-request costs: `nc.request` builds an Error (a stack capture) for every reply
 * it receives, even a successful one, plus a timer promise. Here a reply only clears a timer and
 * resolves; an Error is made only when a request fails. Replies are matched by the inbox token,
 * so a late reply to a timed-out request is dropped. nats.js re-subscribes the inbox after a
 * reconnect; a closed or drained connection fails every request still waiting.
 */
export class ReplyMux {
  private readonly inbox: string;
  private readonly pending = new Map<string, Pending>();
  private subscription?: Subscription;
  private nextToken = 0;

  /** `inboxPrefix`: the connection's (`_INBOX.<user>` for a fleet user), default `_INBOX`. */
  constructor(
    private readonly nc: NatsConnection,
    inboxPrefix?: string,
  ) {
    this.inbox = `${createInbox(inboxPrefix)}.`;
  }

  request(subject: string, data: Uint8Array, options: { timeoutMs: number; headers?: MsgHdrs }): Promise<Msg> {
    this.subscription ??= this.subscribe();
    const token = (this.nextToken++).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(token, 'timeout'), options.timeoutMs);
      this.pending.set(token, { subject, resolve, reject, timer });
      try {
        this.nc.publish(subject, data, { reply: this.inbox + token, headers: options.headers });
      } catch {
        // A closed or draining connection refuses the publish.
        this.fail(token, 'closed');
      }
    });
  }

  /** Requests waiting for their reply (for tests and shutdown checks). */
  get waiting(): number {
    return this.pending.size;
  }

  private subscribe(): Subscription {
    const subscription = this.nc.subscribe(`${this.inbox}*`, {
      callback: (error, msg) => {
        if (error) return;
        const token = msg.subject.slice(this.inbox.length);
        const request = this.pending.get(token);
        if (!request) return;
        this.pending.delete(token);
        clearTimeout(request.timer);
        // The server's own answer when nobody is subscribed: status 503, no body.
        if (msg.data.length === 0 && msg.headers?.code === 503) {
          request.reject(new ReplyFailure('no-responders', request.subject));
        } else {
          request.resolve(msg);
        }
      },
    });
    void subscription.closed.then(() => {
      this.subscription = undefined;
      for (const token of [...this.pending.keys()]) this.fail(token, 'closed');
    });
    return subscription;
  }

  private fail(token: string, reason: ReplyFailureReason): void {
    const request = this.pending.get(token);
    if (!request) return;
    this.pending.delete(token);
    clearTimeout(request.timer);
    request.reject(new ReplyFailure(reason, request.subject));
  }
}
