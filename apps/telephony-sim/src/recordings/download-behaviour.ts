import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { DownloadMode } from '../accounts/sim-account';
import { DOWNLOAD_MODES } from '../accounts/sim-account';

/** The `?simulate=` query of one download wins over the account's switch. */
export function downloadMode(query: unknown, accountMode: DownloadMode): DownloadMode {
  const asked = (query as { simulate?: unknown } | undefined)?.simulate;
  return typeof asked === 'string' && (DOWNLOAD_MODES as readonly string[]).includes(asked)
    ? (asked as DownloadMode)
    : accountMode;
}

/**
 * Sends a recording file, well or badly: `slow` trickles it at `bytesPerSecond`, `truncated`
 * promises the whole length and cuts the connection halfway, `failing` is handled by the caller.
 */
export function sendRecording(
  reply: FastifyReply,
  file: Buffer,
  contentType: string,
  mode: DownloadMode,
  bytesPerSecond: number,
): void {
  if (mode === 'truncated') {
    reply.hijack();
    reply.raw.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(file.length) });
    reply.raw.write(file.subarray(0, Math.floor(file.length / 2)), () => reply.raw.destroy());
    return;
  }
  void reply.header('content-type', contentType).header('content-length', String(file.length));
  if (mode === 'slow') {
    void reply.send(Readable.from(trickle(file, bytesPerSecond)));
    return;
  }
  void reply.send(file);
}

async function* trickle(file: Buffer, bytesPerSecond: number): AsyncGenerator<Buffer> {
  const chunk = Math.max(1, Math.floor(bytesPerSecond / 10));
  for (let at = 0; at < file.length; at += chunk) {
    yield file.subarray(at, at + chunk);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
