import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface DrainLimits {
  /** Bytes read and dropped at most after the answer (HTTP_DRAIN_MAX_BYTES). */
  maxBytes: number;
  /** Time given at most to the client to stop sending (HTTP_DRAIN_TIMEOUT_MS). */
  timeoutMs: number;
}

const LINGERING = Symbol('callfleet:lingering-close');
type LingeringSocket = Socket & { [LINGERING]?: true };

/** How often the bytes read while lingering are compared with the limit. */
const METER_INTERVAL_MS = 50;

/**
 * Closes a connection the client may still be sending on, without resetting it (RFC 9112 §9.6,
 * "lingering close"): the answer is followed by our FIN, and what the client still sends is read
 * and dropped until it stops (its FIN, or the end of the request body), or the limits are reached.
 * Closing at once while bytes are unread makes the kernel answer with a reset, and a client that
 * has not read our answer yet (busy, or still writing, as most clients do) loses it: EPIPE or
 * ECONNRESET instead of the 413.
 */
export function lingerThenClose(socket: Socket, limits: DrainLimits, request?: IncomingMessage): void {
  const lingering = socket as LingeringSocket;
  if (lingering[LINGERING] || socket.destroyed) return;
  lingering[LINGERING] = true;
  const destroyWhenFlushed = () => {
    clearTimeout(deadline);
    clearInterval(meter);
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  };
  const startBytes = socket.bytesRead;
  const deadline = setTimeout(destroyWhenFlushed, limits.timeoutMs);
  const meter = setInterval(() => {
    if (socket.bytesRead - startBytes > limits.maxBytes) destroyWhenFlushed();
  }, METER_INTERVAL_MS);
  socket.once('end', destroyWhenFlushed);
  socket.once('close', () => {
    clearTimeout(deadline);
    clearInterval(meter);
  });
  if (request) {
    if (request.complete) destroyWhenFlushed();
    else request.once('end', destroyWhenFlushed).resume();
  }
  socket.end();
}

/**
 * Makes the connection of a request whose body has not been read in full end with a lingering
 * close once the answer is out. Node ends a `Connection: close` answer with socket.destroySoon(),
 * which resets a connection the client is still sending on; this socket's destroySoon lingers.
 */
export function closeAfterDrainingBody(request: IncomingMessage, limits: DrainLimits): void {
  const socket = request.socket;
  socket.destroySoon = () => lingerThenClose(socket, limits, request);
}

/** Whether the request announced a body (a length above zero, or chunks) and it has not all arrived. */
export function hasUnreadBody(request: IncomingMessage): boolean {
  if (request.complete) return false;
  const length = Number(request.headers['content-length'] ?? 0);
  return (Number.isFinite(length) && length > 0) || request.headers['transfer-encoding'] !== undefined;
}
