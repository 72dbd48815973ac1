import { Logger } from '@nestjs/common';
import { Client } from 'pg';

const RECONNECT_DELAY_MS = 1_000;

/**
 * One dedicated PostgreSQL connection that LISTENs on channels and calls back on NOTIFY. Used to
 * wake pollers (outbox relay, job runner) the moment work is committed; they also poll, so a
 * lost connection or a missed notification only delays work, never loses it. Reconnects forever.
 */
export class PgListener {
  private readonly logger = new Logger('PgListener');
  private readonly channels = new Map<string, Set<() => void>>();
  private client?: Client;
  private closed = false;
  private reconnecting?: NodeJS.Timeout;
  private connecting?: Promise<void>;

  constructor(private readonly url: string) {}

  /** Subscribes `callback` to `channel` (an SQL identifier: letters, digits, underscore). */
  async listen(channel: string, callback: () => void): Promise<() => void> {
    if (!/^[a-z_][a-z0-9_]*$/i.test(channel)) throw new Error(`invalid channel name ${channel}`);
    let callbacks = this.channels.get(channel);
    const isNew = !callbacks;
    if (!callbacks) {
      callbacks = new Set();
      this.channels.set(channel, callbacks);
    }
    callbacks.add(callback);
    // Several subscribers may arrive while the first connect is under way: they share it.
    if (!this.client && !this.reconnecting) {
      this.connecting ??= this.connect().finally(() => {
        this.connecting = undefined;
      });
      await this.connecting;
    }
    // connect() listens to the channels known when it connected; a channel added since is listened
    // here (LISTEN twice is harmless). A reconnect listens to every channel again.
    if (isNew && this.client) await this.client.query(`LISTEN "${channel}"`).catch(() => undefined);
    return () => callbacks.delete(callback);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.url });
    client.on('notification', (message) => {
      for (const callback of this.channels.get(message.channel) ?? []) callback();
    });
    client.on('error', (error) => {
      this.logger.warn(`listener connection lost: ${error.message}`);
      this.scheduleReconnect(client);
    });
    client.on('end', () => this.scheduleReconnect(client));
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`LISTEN "${channel}"`);
      this.client = client;
      // Work committed while we were away is found by the pollers' next pass; wake them now.
      for (const callbacks of this.channels.values()) for (const callback of callbacks) callback();
    } catch (error) {
      this.logger.warn(`listener cannot connect: ${String(error)}`);
      this.scheduleReconnect(client);
    }
  }

  private scheduleReconnect(client: Client): void {
    if (this.client === client) this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.closed || this.reconnecting) return;
    this.reconnecting = setTimeout(() => {
      this.reconnecting = undefined;
      void this.connect();
    }, RECONNECT_DELAY_MS);
    this.reconnecting.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnecting);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
