import http from 'node:http';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { waitFor } from './free-port';

/** One HTTP answer as a client read it off the wire. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  json(): unknown;
}

/** Splits the first HTTP/1.1 answer (Content-Length framed, as every error answer is) off a byte string. */
export function parseFirstAnswer(wire: string): { answer: WireAnswer; rest: string } | undefined {
  const end = wire.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = wire.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  if (wire.length < end + 4 + length) return undefined;
  const body = wire.slice(end + 4, end + 4 + length);
  return {
    answer: { status: Number(statusLine.split(' ')[1]), headers, body, json: () => JSON.parse(body) },
    rest: wire.slice(end + 4 + length),
  };
}

/**
 * A raw TCP connection to an HTTP server, for what well-behaved clients never send (framing
 * attacks, two requests on one connection, a body the server does not want). Records every byte
 * read, how the connection ended, and the first socket error.
 */
export class RawConnection {
  private received = '';
  private error?: string;
  private readonly ended: Promise<void>;
  readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk) => {
      this.received += chunk.toString('latin1');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.error ??= error.code ?? error.message;
    });
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(baseUrl: string): Promise<RawConnection> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /** Every answer read so far, in order. */
  answers(): WireAnswer[] {
    const found: WireAnswer[] = [];
    let wire = this.received;
    for (let next = parseFirstAnswer(wire); next; next = parseFirstAnswer(wire)) {
      found.push(next.answer);
      wire = next.rest;
    }
    return found;
  }

  /** Resolves with the answers once `count` of them have arrived. */
  waitForAnswers(count: number, timeoutMs = 10_000): Promise<WireAnswer[]> {
    return waitFor(
      async () => {
        const answers = this.answers();
        return answers.length >= count ? answers : undefined;
      },
      timeoutMs,
      `${count} answer(s); read so far: ${JSON.stringify(this.received.slice(0, 300))}`,
    );
  }

  /** Resolves once the server closed the connection, with what was read and the socket error, if any. */
  async closed(timeoutMs = 15_000): Promise<{ answers: WireAnswer[]; error?: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'open'>((resolve) => {
      timer = setTimeout(() => resolve('open'), timeoutMs);
    });
    const outcome = await Promise.race([this.ended.then(() => 'closed' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'open') {
      this.socket.destroy();
      throw new Error(`the server kept the connection open for ${timeoutMs} ms`);
    }
    return { answers: this.answers(), error: this.error };
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Posts `size` bytes the way many HTTP libraries do (Python's requests, simple scripts): the whole
 * body is written before the answer is read. If the server closes while bytes are still coming,
 * the connection is reset and the answer is lost.
 */
export async function postWholeBodyThenRead(
  baseUrl: string,
  path: string,
  size: number,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ answer?: WireAnswer; error?: string }> {
  const connection = await RawConnection.open(baseUrl);
  connection.socket.pause();
  const head = Object.entries({ host: new URL(baseUrl).host, ...headers, 'content-length': String(size) })
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  let error: string | undefined;
  try {
    await connection.write(`POST ${path} HTTP/1.1\r\n${head}\r\n\r\n`);
    const piece = Buffer.alloc(64 * 1024, 'a');
    for (let sent = 0; sent < size; sent += piece.length) {
      await connection.write(piece.subarray(0, Math.min(piece.length, size - sent)));
    }
  } catch (e) {
    error = (e as NodeJS.ErrnoException).code ?? String(e);
  }
  connection.socket.resume();
  const { answers, error: socketError } = await connection.closed();
  return { answer: answers[0], error: error ?? socketError };
}

/** A POST through Node's `http` module with the given agent; the body as Content-Length or as chunks. */
export function postWithNodeHttp(
  url: string,
  body: Buffer,
  options: { agent: http.Agent; chunked?: boolean; headers?: Record<string, string> },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent: options.agent,
        headers: {
          'content-type': 'application/json',
          ...options.headers,
          ...(options.chunked ? {} : { 'content-length': String(body.length) }),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    request.on('error', reject);
    if (options.chunked) {
      // Several writes, so the body really goes out as chunks.
      const piece = 256 * 1024;
      for (let at = 0; at < body.length; at += piece) request.write(body.subarray(at, at + piece));
      request.end();
    } else request.end(body);
  });
}

/**
 * The client side of a worker thread: posts `size` bytes with fetch or Node's http after one
 * request that leaves the connection kept alive, and, right after the first 64 KiB of the body,
 * keeps its event loop busy for `busyMs` (as a loaded client is). Whatever the server answers and
 * does to the connection meanwhile is only read afterwards, which is when an early close resets.
 */
const BUSY_CLIENT = `
const http = require('node:http');
const { workerData, parentPort } = require('node:worker_threads');
const { url, size, chunked, busyMs, client } = workerData;
const piece = 64 * 1024;
const busy = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, busyMs);
const headers = { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(size) }) };
async function viaFetch() {
  await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).text();
  let sent = 0;
  const body = new ReadableStream({
    pull(controller) {
      if (sent === piece) busy();
      if (sent >= size) return controller.close();
      const n = Math.min(piece, size - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n));
    },
  });
  const response = await fetch(url, { method: 'POST', headers, body, duplex: 'half' });
  return { status: response.status, body: await response.text() };
}
function post(agent, body, extraHeaders, write) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: extraHeaders }, (response) => {
      let text = '';
      response.on('data', (c) => { text += c; });
      response.on('end', () => resolve({ status: response.statusCode, body: text }));
    });
    request.on('error', reject);
    write(request);
  });
}
async function viaHttp() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  await post(agent, '{}', { 'content-type': 'application/json' }, (r) => r.end('{}'));
  return post(agent, null, headers, (request) => {
    request.write(Buffer.alloc(piece));
    setImmediate(() => {
      busy();
      for (let sent = piece; sent < size; sent += piece) request.write(Buffer.alloc(Math.min(piece, size - sent)));
      request.end();
    });
  });
}
(client === 'http' ? viaHttp() : viaFetch()).then(
  (answer) => parentPort.postMessage(answer),
  (error) => parentPort.postMessage({ error: (error.cause && error.cause.code) || error.code || String(error) }),
);
`;

export function postFromBusyClient(options: {
  url: string;
  size: number;
  chunked: boolean;
  client: 'fetch' | 'http';
  busyMs?: number;
}): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BUSY_CLIENT, { eval: true, workerData: { busyMs: 300, ...options } });
    worker.once('message', (answer) => {
      resolve(answer);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
