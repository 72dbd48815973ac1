import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FrontAnswer {
  status: number;
  /** Date.now() when the answer went back to the client. */
  at: number;
}

/**
 * The drill's stand-in for a Kubernetes Service in front of two replicas: each request goes to the
 * next replica in turn, and to the other one when the first refuses the connection (a replica that
 * is down: nothing was sent, so trying elsewhere cannot do anything twice, as kube-proxy's endpoint
 * removal or a load balancer's health check would achieve a moment later). A connection that breaks
 * after the request was sent is answered 502: the client decides whether to send it again.
 */
export class RoundRobinFront {
  private next = 0;

  private constructor(
    private readonly server: Server,
    /** Base URLs (http://127.0.0.1:port), asked per request: replicas are added after the front starts. */
    private readonly upstreams: () => readonly string[],
    private readonly onAnswer: (answer: FrontAnswer) => void,
  ) {}

  /** Listens on a free loopback port. */
  static async start(
    upstreams: () => readonly string[],
    onAnswer: (answer: FrontAnswer) => void = () => undefined,
  ): Promise<RoundRobinFront> {
    let front: RoundRobinFront | undefined;
    const server = createServer((req, res) => void front?.handle(req, res));
    front = new RoundRobinFront(server, upstreams, onAnswer);
    // Longer than the clients keep idle connections, so the front never closes one a client is
    // about to reuse (that race would show as a client error the fleet did not cause).
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return front;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const upstreams = this.upstreams();
    const first = this.next++ % Math.max(1, upstreams.length);
    let answer: UpstreamAnswer | undefined;
    for (let i = 0; i < upstreams.length && !answer; i++) {
      answer = await forward(upstreams[(first + i) % upstreams.length], req, body).catch((error) =>
        (error as NodeJS.ErrnoException).code === 'ECONNREFUSED'
          ? undefined
          : { status: 502, headers: {}, body: Buffer.from(String(error)) },
      );
    }
    answer ??= { status: 502, headers: {}, body: Buffer.from('no replica accepted the connection') };
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    this.onAnswer({ status: answer.status, at: Date.now() });
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function forward(base: string, req: IncomingMessage, body: Buffer): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
    // A fresh connection per request: a kept-alive one to a replica that was just killed would fail
    // after the request was written, where a refused connect can safely go elsewhere.
    const upstream = request(`${base}${req.url}`, {
      method: req.method,
      headers: { ...headers, 'content-length': String(body.length) },
      agent: false,
      timeout: 30_000,
    });
    upstream.once('response', async (response) => {
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of response) chunks.push(chunk as Buffer);
      } catch (error) {
        reject(error);
        return;
      }
      const out = Object.fromEntries(
        Object.entries(response.headers).filter(
          (e): e is [string, string | string[]] => e[1] !== undefined && !HOP_BY_HOP.has(e[0]),
        ),
      );
      resolve({ status: response.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
    });
    upstream.once('timeout', () => upstream.destroy(new Error('upstream timeout')));
    upstream.once('error', reject);
    upstream.end(body);
  });
}
