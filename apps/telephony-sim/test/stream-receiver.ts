import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';

/** A message as it came off the wire; tests assert its fields against the provider's documented shape. */
// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire, checked field by field by the tests
export type WireMessage = Record<string, any>;

/** One message the simulator sent, with when it arrived (real ms since the connection opened). */
export interface ReceivedMessage {
  arrivedMs: number;
  message: WireMessage;
}

/** One WebSocket the simulator opened to us, as a provider's media stream. */
export class StreamConnection {
  readonly messages: ReceivedMessage[] = [];
  readonly opened = performance.now();
  closed?: { code: number; reason: string };

  constructor(
    readonly path: string,
    readonly ws: WebSocket,
  ) {
    ws.on('message', (data) => {
      this.messages.push({ arrivedMs: performance.now() - this.opened, message: JSON.parse(data.toString()) });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  events(event: string): WireMessage[] {
    return this.messages.filter((m) => m.message.event === event).map((m) => m.message);
  }

  get eventNames(): string[] {
    return this.messages.map((m) => m.message.event as string);
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }
}

/** A plain `ws` server standing in for media-stream: records every connection and message the simulator sends. */
export class StreamReceiver {
  readonly connections: StreamConnection[] = [];
  private server?: WebSocketServer;
  url = '';

  static async start(): Promise<StreamReceiver> {
    const receiver = new StreamReceiver();
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    receiver.server = server;
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const address = server.address();
    receiver.url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    server.on('connection', (ws, request) => receiver.connections.push(new StreamConnection(request.url ?? '/', ws)));
    return receiver;
  }

  /** The connection whose path (with query) starts with `prefix`. */
  at(prefix: string): StreamConnection | undefined {
    return this.connections.find((c) => c.path.startsWith(prefix));
  }

  async stop(): Promise<void> {
    for (const client of this.server?.clients ?? []) client.terminate();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
