import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import type { RecordingDownload } from './telephony-provider-adapter';

/** A streaming download with the provider's content type and length. */
export function toRecordingDownload(response: Response, fallbackContentType: string): RecordingDownload {
  if (!response.body)
    throw new AppException(ErrorCode.EXTERNAL_SERVICE_ERROR, 'Provider sent a recording without a body');
  const lengthHeader = response.headers.get('content-length');
  const contentLength = lengthHeader && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  return {
    stream: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    contentType: response.headers.get('content-type')?.split(';')[0].trim() || fallbackContentType,
    contentLength,
  };
}
