import { randomUUID } from 'node:crypto';
import { MEDIA_STREAM_PROVIDERS, type MediaStreamProvider, type StreamTokenClaims } from '@callfleet/contracts';
import { Clock, SERVICE_CONFIG, StreamTokenError, StreamTokenVerifier } from '@callfleet/platform';
import websocket from '@fastify/websocket';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { MediaStreamConfig } from '../media-stream.config';
import { MediaSessionRegistry } from './media-session.registry';
import { MediaStreamCloseCode } from './media-session-state';
import { type DoorContext, MediaStreamConnection } from './media-stream-connection';
import { MediaStreamMetrics } from './media-stream-metrics';
import { MEDIA_STREAM_PROTOCOLS } from './media-stream-protocols';
import type { WebSocketMediaSession } from './websocket-media-session';

/**
 * How long a socket we closed waits for the peer's close frame before it is cut. ws waits 30 s by
 * default, and a socket we closed no longer counts toward MEDIA_MAX_STREAMS: a peer that never answers
 * would hold 30 s of sockets beyond the limit. A provider answers in milliseconds.
 */
const CLOSE_HANDSHAKE = { closeTimeout: 2_000 };

/** Routes of the door: `GET /media/twilio`, `GET /media/exotel` (WebSocket upgrades). */
export const mediaStreamPath = (provider: MediaStreamProvider) => `/media/${provider}`;

/**
 * The WebSocket door on the service's HTTP port: accepts providers' Media Streams, holds them to the
 * limits (MediaStreamConfig), and registers each verified stream's MediaSession for the features
 * that listen to it. See the README for routes, tokens, limits and close codes.
 */
@Injectable()
export class MediaStreamDoor implements DoorContext, OnApplicationShutdown {
  private readonly logger = new Logger('MediaStreamDoor');
  private readonly connections = new Set<MediaStreamConnection>();
  private readonly connectionOfSession = new Map<WebSocketMediaSession, MediaStreamConnection>();
  private readonly streamsByOrg = new Map<string, number>();
  private readonly streaming = new Set<MediaStreamConnection>();
  private sweeper: NodeJS.Timeout | undefined;
  private stopJumpWatch: (() => void) | undefined;
  private shuttingDown: Promise<void> | undefined;

  constructor(
    @Inject(SERVICE_CONFIG) readonly config: MediaStreamConfig,
    readonly metrics: MediaStreamMetrics,
    private readonly registry: MediaSessionRegistry,
    private readonly verifier: StreamTokenVerifier,
    private readonly clock: Clock,
  ) {}

  /** Streams on this replica: sockets not yet verified included. */
  get connectionCount(): number {
    return this.connections.size;
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  /** Registers the WebSocket routes on the service's Fastify instance (before it listens). */
  async install(fastify: FastifyInstance): Promise<void> {
    await fastify.register(websocket, {
      options: {
        maxPayload: this.config.MEDIA_MAX_MESSAGE_BYTES,
        // Providers do not negotiate compression; refusing it keeps a small message small in memory.
        perMessageDeflate: false,
        // ws supports it (8.18+), its types do not yet.
        ...CLOSE_HANDSHAKE,
      },
      errorHandler: (error) => this.onSocketError(error),
      preClose: async function (this: FastifyInstance) {
        await door.shutdown();
        await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()));
      },
    });
    const door = this;
    await fastify.register(async (instance) => {
      for (const provider of MEDIA_STREAM_PROVIDERS) {
        instance.get(mediaStreamPath(provider), { websocket: true }, (socket, request) =>
          this.accept(provider, socket, request),
        );
      }
    });
    const sweepEvery = Math.max(
      50,
      Math.floor(Math.min(this.config.MEDIA_IDLE_TIMEOUT_MS, this.config.MEDIA_START_TIMEOUT_MS) / 4),
    );
    this.sweeper = setInterval(() => this.sweep(), sweepEvery);
    this.sweeper.unref();
    this.stopJumpWatch = this.clock.onJump(() => this.sweep());
  }

  private accept(provider: MediaStreamProvider, socket: WebSocket, request: FastifyRequest): void {
    const query = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
    const connection = new MediaStreamConnection(randomUUID(), MEDIA_STREAM_PROTOCOLS[provider], socket, query, this);
    if (this.shuttingDown) {
      socket.close(MediaStreamCloseCode.GOING_AWAY, 'shutting down');
      return;
    }
    if (this.connections.size >= this.config.MEDIA_MAX_STREAMS) {
      this.metrics.streamsRejected.inc({ reason: 'capacity' });
      connection.stop({ type: 'over-limit' });
      return;
    }
    this.connections.add(connection);
  }

  async verify(token: string | undefined): Promise<StreamTokenClaims> {
    return this.verifier.verify(token);
  }

  refusalOf(error: unknown): { reason: string; retryLater: boolean } {
    if (error instanceof StreamTokenError) return { reason: error.reason, retryLater: false };
    // Not the token's fault (auth's keys not fetched yet): the provider may retry.
    this.logger.warn({ msg: 'stream token could not be verified', err: error });
    return { reason: 'unverifiable', retryLater: true };
  }

  admits(orgId: string): boolean {
    return (this.streamsByOrg.get(orgId) ?? 0) < this.config.MEDIA_MAX_STREAMS_PER_ORG;
  }

  opened(connection: MediaStreamConnection, session: WebSocketMediaSession): void {
    const { orgId, callId, provider } = session.info;
    this.streaming.add(connection);
    this.connectionOfSession.set(session, connection);
    this.streamsByOrg.set(orgId, (this.streamsByOrg.get(orgId) ?? 0) + 1);
    this.metrics.streamsOpen.inc({ provider });
    this.metrics.streamsTotal.inc({ provider });
    // Before add: a start listener that throws must not leave the session in the registry for good.
    void session.finished.then(() => {
      this.registry.remove(session);
      this.connectionOfSession.delete(session);
    });
    const previous = this.registry.get(callId) as WebSocketMediaSession | undefined;
    if (previous) this.connectionOfSession.get(previous)?.stop({ type: 'replaced' });
    this.registry.add(session);
  }

  failed(connection: MediaStreamConnection, error: unknown): void {
    const session = connection.mediaSession?.info;
    this.logger.error({
      msg: 'media stream message failed',
      err: error,
      provider: connection.protocol.provider,
      callId: session?.callId,
    });
  }

  ended(connection: MediaStreamConnection): void {
    this.connections.delete(connection);
    if (!this.streaming.delete(connection)) return;
    const session = connection.mediaSession;
    if (!session) return;
    const { orgId, provider } = session.info;
    const left = (this.streamsByOrg.get(orgId) ?? 1) - 1;
    if (left > 0) this.streamsByOrg.set(orgId, left);
    else this.streamsByOrg.delete(orgId);
    this.metrics.streamsOpen.dec({ provider });
  }

  /**
   * Ends every stream with reason `shutdown` (close 1001, so providers reconnect elsewhere) and waits,
   * within half the shutdown grace, until the listeners have had their audio and `ended`.
   */
  shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      if (this.sweeper) clearInterval(this.sweeper);
      this.stopJumpWatch?.();
      const sessions = [...this.connections].flatMap((c) => (c.mediaSession ? [c.mediaSession.finished] : []));
      for (const connection of [...this.connections]) connection.stop({ type: 'shutdown' });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(sessions),
        new Promise((resolve) => {
          timer = setTimeout(resolve, this.config.SHUTDOWN_GRACE_MS / 2);
        }),
      ]);
      clearTimeout(timer);
    })();
    return this.shuttingDown;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shutdown();
  }

  private sweep(): void {
    const now = this.clock.nowMs();
    for (const connection of [...this.connections]) connection.checkTimeouts(now);
  }

  /**
   * `ws` reports a message over maxPayload, bad framing or a reset; it closes the socket itself with
   * the matching code (1009 for a message too big), so this only counts it.
   */
  private onSocketError(error: Error): void {
    const code = (error as { code?: string }).code;
    this.metrics.framesDropped.inc({
      reason: code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too-large' : 'protocol-error',
    });
    this.logger.debug({ msg: 'media websocket error', code, err: error });
  }
}
