import type { Consumer, ConsumerMessages } from '@nats-io/jetstream';
import type { SubjectNamespace } from '../nats/subject-namespace';

/** One stored message as a live reader sees it: its stream sequence, subject (no namespace) and bytes. */
export interface LiveMessage {
  seq: number;
  subject: string;
  data: Uint8Array;
}

/** How long one pull waits for messages before the next; a reader sees each message as it arrives. */
const FETCH_EXPIRES_MS = 5_000;

/**
 * A stream read live through one ordered consumer (JetStreamService.follow). Messages are fetched
 * in batches of at most `maxBuffered`, and the next batch is asked for only once the reader took
 * every message of the last: a reader that stops reading stops the pulls, so memory never grows
 * past one batch however slow it is (the client's `consume` refills on receipt, not on reading).
 * `close` stops the pull and deletes the consumer; one left behind by a crash expires on the
 * server after its inactivity threshold.
 */
export class LiveFeed implements AsyncIterable<LiveMessage> {
  private closed = false;
  private batch?: ConsumerMessages;

  constructor(
    private readonly consumer: Consumer,
    private readonly ns: SubjectNamespace,
    private readonly maxBuffered: number,
    /** The stream sequence the feed starts after: the reader's resume point before any message. */
    readonly startsAfter: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<LiveMessage> {
    while (!this.closed) {
      this.batch = await this.consumer.fetch({ max_messages: this.maxBuffered, expires: FETCH_EXPIRES_MS });
      if (this.closed) {
        await this.batch.close().catch(() => undefined);
        return;
      }
      for await (const msg of this.batch) {
        yield { seq: msg.info.streamSequence, subject: this.ns.strip(msg.subject), data: msg.data };
        if (this.closed) return;
      }
    }
  }

  /** Ends the reading and deletes the consumer on the server; safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.batch?.close().catch(() => undefined);
    await this.consumer.delete().catch(() => undefined);
  }
}
