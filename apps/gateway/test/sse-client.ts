import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';

/** One Server-Sent Events frame as EventSource would parse it. */
export interface SseFrame {
  id?: string;
  /** The event name; undefined for plain data events (EventSource's onmessage). */
  event?: string;
  data: string;
}

/**
 * A live events stream as a browser reads it, on plain node:http (fetch buffers ahead and cannot
 * stop reading, which the slow-client test needs). Collects frames and comments as they arrive.
 */
export class SseClient {
  readonly frames: SseFrame[] = [];
  readonly comments: string[] = [];
  /** The body of a refused (non-200) answer. */
  body = '';
  ended = false;
  private buffer = '';

  private constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    private readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.receive(chunk));
    response.on('end', () => {
      this.ended = true;
    });
    response.on('close', () => {
      this.ended = true;
    });
    response.on('error', () => undefined);
  }

  /** Opens `url` and resolves at the answer's headers; `paused` reads nothing until `resume()`. */
  static open(
    url: string,
    headers: Record<string, string> = {},
    options: { paused?: boolean } = {},
  ): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
        const client = new SseClient(response.statusCode ?? 0, response.headers, response);
        if (options.paused) response.pause();
        resolve(client);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Data events (no name), parsed: the event envelopes. */
  events(): {
    id: number;
    envelope: { id: string; type: string; orgId: string | null; data: Record<string, unknown> };
  }[] {
    return this.frames
      .filter((frame) => frame.event === undefined && frame.data !== '')
      .map((frame) => ({ id: Number(frame.id), envelope: JSON.parse(frame.data) }));
  }

  named(name: string): SseFrame[] {
    return this.frames.filter((frame) => frame.event === name);
  }

  /** The refused answer's JSON (the error envelope). */
  json(): unknown {
    return JSON.parse(this.body);
  }

  resume(): void {
    this.response.resume();
  }

  close(): void {
    this.response.destroy();
  }

  private receive(chunk: string): void {
    if (this.status !== 200) {
      this.body += chunk;
      return;
    }
    this.buffer += chunk;
    let end = this.buffer.indexOf('\n\n');
    while (end !== -1) {
      this.parseBlock(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end + 2);
      end = this.buffer.indexOf('\n\n');
    }
  }

  private parseBlock(block: string): void {
    const frame: SseFrame = { data: '' };
    let isFrame = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') frame.id = value;
      else if (field === 'event') frame.event = value;
      else if (field === 'data') frame.data = frame.data ? `${frame.data}\n${value}` : value;
      else continue;
      isFrame = true;
    }
    if (isFrame) this.frames.push(frame);
  }
}
