/**
 * Server-Sent Events frames (text/event-stream). Data is one line of JSON (JSON.stringify never
 * writes a newline), so a frame can never be split into two events by its content.
 */

/** A stored event: `id` = its stream sequence (the browser sends it back as Last-Event-ID), no name (onmessage). */
export function eventFrame(seq: number, json: string): string {
  return `id: ${seq}\ndata: ${json}\n\n`;
}

/** A named control event (`ready`, `overflow`, `closing`), with the id to resume from when given. */
export function controlFrame(name: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment: keeps proxies and the browser from timing the connection out; EventSource ignores it. */
export function heartbeatFrame(): string {
  return ': heartbeat\n\n';
}

/** How long the browser waits before reconnecting after the stream ends (ms). */
export function retryFrame(ms: number): string {
  return `retry: ${ms}\n\n`;
}
