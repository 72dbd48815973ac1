import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { DownloadMode } from '../accounts/sim-account';
import { DOWNLOAD_MODES } from '../accounts/sim-account';
import type { RecordingFile } from './recordings.service';

/** The `?simulate=` query of one download wins over the account's switch. */
export function downloadMode(query: unknown, accountMode: DownloadMode): DownloadMode {
  const asked = (query as { simulate?: unknown } | undefined)?.simulate;
  return typeof asked === 'string' && (DOWNLOAD_MODES as readonly string[]).includes(asked)
    ? (asked as DownloadMode)
    : accountMode;
}

/**
 * Sends a recording file as it is composed, well or badly: `slow` trickles it at `bytesPerSecond`,
 * `truncated` promises the whole length and cuts the connection halfway, `failing` is handled by the caller.
 */
export function sendRecording(
  reply: FastifyReply,
  file: RecordingFile,
  contentType: string,
  mode: DownloadMode,
  bytesPerSecond: number,
): void {
  if (mode === 'truncated') {
    reply.hijack();
    reply.raw.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(file.bytes) });
    reply.raw.write(firstBytes(file.chunks(), Math.floor(file.bytes / 2)), () => reply.raw.destroy());
    return;
  }
  void reply.header('content-type', contentType).header('content-length', String(file.bytes));
  void reply.send(Readable.from(mode === 'slow' ? trickle(file.chunks(), bytesPerSecond) : file.chunks()));
}

function firstBytes(chunks: Iterable<Buffer>, bytes: number): Buffer {
  const taken: Buffer[] = [];
  let left = bytes;
  for (const chunk of chunks) {
    if (left <= 0) break;
    taken.push(chunk.subarray(0, left));
    left -= chunk.length;
  }
  return Buffer.concat(taken);
}

/** The chunks again in pieces of a tenth of `bytesPerSecond`, one every tenth of a second. */
async function* trickle(chunks: Iterable<Buffer>, bytesPerSecond: number): AsyncGenerator<Buffer> {
  const step = Math.max(1, Math.floor(bytesPerSecond / 10));
  let pending: Buffer = Buffer.alloc(0);
  for (const chunk of chunks) {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= step) {
      yield pending.subarray(0, step);
      pending = pending.subarray(step);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  if (pending.length > 0) yield pending;
}
