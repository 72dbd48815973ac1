import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ReceivedRequest {
  method: string;
  path: string;
  /** The full URL as the simulator requested it (what Twilio signs). */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  form: Record<string, string>;
}

export type Answer = { status: number; body?: string; headers?: Record<string, string>; delayMs?: number };
type Route = (request: ReceivedRequest, nth: number) => Answer;

/** A tiny webhook receiver standing in for webhook-ingest: records every request, answers per route. */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  private readonly routes = new Map<string, Route>();
  private readonly counts = new Map<string, number>();
  private server?: Server;
  url = '';

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.server = createServer((req, res) => void receiver.handle(req, res));
    await new Promise<void>((resolve) => receiver.server?.listen(0, '127.0.0.1', resolve));
    const address = receiver.server.address();
    receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return receiver;
  }

  on(path: string, route: Route): void {
    this.routes.set(path, route);
  }

  at(path: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0];
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      path,
      url: `${this.url}${req.url ?? '/'}`,
      headers: req.headers,
      body,
      form: String(req.headers['content-type']).includes('urlencoded')
        ? Object.fromEntries(new URLSearchParams(body))
        : {},
    };
    this.received.push(request);
    const nth = (this.counts.get(path) ?? 0) + 1;
    this.counts.set(path, nth);
    const answer = this.routes.get(path)?.(request, nth) ?? { status: 200, body: 'ok' };
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (res.destroyed) return;
    res.writeHead(answer.status, answer.headers ?? { 'content-type': 'text/plain' });
    res.end(answer.body ?? '');
  }
}
