import type { ServerResponse } from 'node:http';
import { ErrorCode, Streams } from '@callfleet/contracts';
import { AppException, JetStreamService, type LiveFeed, MetricsService, OpenResponses } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { GatewayConfig } from '../gateway.config';
import { deliversTo, type LiveEventSelection } from './live-event-selection';
import { controlFrame, eventFrame, heartbeatFrame, retryFrame } from './sse-frames';

/** Messages pulled ahead of one client at most: with one frame in its socket, its whole footprint. */
const FEED_BATCH = 32;
/**
 * How long an ended stream's socket stays for the client to read what is still in it (the final
 * event among it); then it is destroyed, so a client that reads nothing holds nothing for long.
 */
const FINAL_FRAME_GRACE_MS = 30_000;
/** The browser's reconnect delay after a stream ends (EventSource's `retry:`). */
const RECONNECT_MS = 3_000;

/** Why a stream ended, in the metric and the final event. */
type EndReason = 'client-gone' | 'slow-client' | 'shutdown' | 'feed-failed';

/** One open stream's slot. */
interface OpenStream {
  orgId: string;
}

/**
 * The live events streams of this replica: admission (at most LIVE_EVENTS_MAX_PER_ORG per org and
 * LIVE_EVENTS_MAX_TOTAL in all, else 429), and per stream an ordered consumer on the selection's
 * filter, copied to the client as SSE, org-filtered here (the stream holds every org's events).
 *
 * Backpressure: a frame is written only when the socket took the last one, and the feed pulls
 * its next batch only once this one is written, so a slow client holds at most one batch and one
 * frame. A client that takes nothing for LIVE_EVENTS_SLOW_CLIENT_MS gets a final `overflow` event
 * and is cut off; it resumes with Last-Event-ID where it was.
 */
@Injectable()
export class LiveEventStreams {
  private readonly logger = new Logger('LiveEvents');
  private readonly open = new Set<OpenStream>();
  private readonly perOrg = new Map<string, number>();
  private readonly ended: Counter<'reason'>;
  private readonly sent: Counter;

  constructor(
    private readonly jetstream: JetStreamService,
    private readonly config: GatewayConfig,
    private readonly openResponses: OpenResponses,
    metrics: MetricsService,
  ) {
    this.ended = metrics.counter('callfleet_live_event_streams_ended_total', 'Live events streams ended, by why', [
      'reason',
    ]);
    this.sent = metrics.counter('callfleet_live_events_sent_total', 'Events written to live events streams');
    metrics.gauge('callfleet_live_event_streams_open', 'Live events streams open on this replica', [], (gauge) =>
      gauge.set(this.open.size),
    );
  }

  /**
   * Takes a slot for `orgId` (429 when its or the replica's limit is reached) and opens the feed, so
   * every refusal comes before the first byte; `stream` then runs the connection until it ends.
   */
  async admit(orgId: string, selection: LiveEventSelection, lastEventId?: number): Promise<AdmittedStream> {
    const held = this.perOrg.get(orgId) ?? 0;
    if (held >= this.config.LIVE_EVENTS_MAX_PER_ORG || this.open.size >= this.config.LIVE_EVENTS_MAX_TOTAL) {
      throw new AppException(ErrorCode.RATE_LIMIT_EXCEEDED, 'Too many open live events streams; close one first', {
        retryAfterSeconds: 5,
      });
    }
    const entry: OpenStream = { orgId };
    this.take(entry);
    try {
      const feed = await this.jetstream.follow({
        stream: Streams.EVENTS.name,
        subject: selection.subject,
        afterSequence: lastEventId,
        maxBuffered: FEED_BATCH,
      });
      return { entry, feed, selection };
    } catch (error) {
      this.release(entry);
      this.logger.warn(`live events feed not opened: ${String(error)}`);
      throw new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Live events are unavailable; retry later');
    }
  }

  /** Writes the admitted stream to `res` until the client leaves, is too slow, or the gateway stops. */
  async stream(admitted: AdmittedStream, res: ServerResponse): Promise<void> {
    const { entry, feed, selection } = admitted;
    const slowClientMs = this.config.LIVE_EVENTS_SLOW_CLIENT_MS;
    let lastId = feed.startsAfter;
    let ended: EndReason | undefined;
    let wakeWriter: (() => void) | undefined;
    const finish = (reason: EndReason, finalFrame?: string) => {
      if (ended) return;
      ended = reason;
      this.ended.inc({ reason });
      clearInterval(heartbeat);
      wakeWriter?.();
      void feed.close();
      if (res.destroyed) return;
      res.end(finalFrame);
      // A client that reads nothing would hold the socket (and the frames in it) forever.
      setTimeout(() => res.destroy(), FINAL_FRAME_GRACE_MS).unref();
    };
    // At shutdown (before the server closes): a `closing` event, and the browser reconnects elsewhere.
    const forget = this.openResponses.add(() =>
      finish('shutdown', controlFrame('closing', { reason: 'shutdown', lastEventId: lastId })),
    );
    res.on('close', () => finish('client-gone'));

    /**
     * Writes a frame (an event's: `seq`); resolves false when the client did not take it within
     * slowClientMs (then cut off). A frame written is in the socket's buffer and reaches a client
     * that reads on, so it counts as sent even while the writer waits.
     */
    const write = async (frame: string, seq?: number): Promise<boolean> => {
      if (ended) return false;
      const flushed = res.write(frame);
      if (seq !== undefined) lastId = seq;
      if (flushed) return true;
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), slowClientMs);
        wakeWriter = () => {
          clearTimeout(timer);
          resolve(ended === undefined);
        };
        res.once('drain', wakeWriter);
      });
      res.removeListener('drain', wakeWriter as () => void);
      wakeWriter = undefined;
      if (!drained && !ended)
        finish('slow-client', controlFrame('overflow', { reason: 'slow-client', lastEventId: lastId }));
      return drained && !ended;
    };

    const heartbeat = setInterval(() => {
      // Only when the socket is idle: a heartbeat never queues behind frames the client has not taken.
      if (!ended && res.writableLength === 0) res.write(heartbeatFrame());
    }, this.config.LIVE_EVENTS_HEARTBEAT_SECONDS * 1000);
    heartbeat.unref();

    try {
      await write(retryFrame(RECONNECT_MS));
      // Where the stream starts, as an id: a client that reconnects before any event resumes from here.
      await write(controlFrame('ready', { after: lastId }, lastId));
      for await (const message of feed) {
        if (ended) break;
        const json = Buffer.from(message.data).toString('utf8');
        let envelope: unknown;
        try {
          envelope = JSON.parse(json);
        } catch {
          continue;
        }
        if (!deliversTo(envelope as never, entry.orgId, selection)) continue;
        this.sent.inc();
        if (!(await write(eventFrame(message.seq, json), message.seq))) break;
      }
    } catch (error) {
      if (!ended) this.logger.warn(`live events feed failed: ${String(error)}`);
      finish('feed-failed', controlFrame('closing', { reason: 'feed-failed', lastEventId: lastId }));
    } finally {
      finish('client-gone');
      forget();
      this.release(entry);
    }
  }

  private take(entry: OpenStream): void {
    this.open.add(entry);
    this.perOrg.set(entry.orgId, (this.perOrg.get(entry.orgId) ?? 0) + 1);
  }

  private release(entry: OpenStream): void {
    if (!this.open.delete(entry)) return;
    const left = (this.perOrg.get(entry.orgId) ?? 1) - 1;
    if (left > 0) this.perOrg.set(entry.orgId, left);
    else this.perOrg.delete(entry.orgId);
  }
}

/** A stream past admission: its slot and its feed, not yet writing. */
export interface AdmittedStream {
  entry: OpenStream;
  feed: LiveFeed;
  selection: LiveEventSelection;
}
