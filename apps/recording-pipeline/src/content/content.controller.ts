import { ErrorCode } from '@callfleet/contracts';
import { AppException, Clock } from '@callfleet/platform';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RecordingPipelineConfig } from '../recording-pipeline.config';
import { RecordingsService } from '../recordings/recordings.service';
import { RecordingStore } from '../storage/recording-store';
import { verifyObjectUrlSignature } from '../storage/signed-object-url';
import { OBJECT_URL_PATH } from '../storage/storage.module';
import { parseByteRange } from './byte-range';
import { verifyContentLink } from './content-link';

/**
 * Recording audio over HTTP, for the gateway's `/recordings/:id/content`: the gateway asks for a
 * link over NATS (org-scoped) and streams from here, so audio never rides NATS request/reply and is
 * never held whole. `Range` answers 206, as a browser's audio element needs to seek.
 */
@Controller('recordings')
export class ContentController {
  constructor(
    private readonly recordings: RecordingsService,
    private readonly store: RecordingStore,
    private readonly config: RecordingPipelineConfig,
    private readonly clock: Clock,
  ) {}

  /** The gateway's `/recordings/:id/content`, through a link signed by `recordings.v1.content-link`. */
  // The token rides in the query: it is longer than the router takes as a path parameter.
  @Get('content')
  async content(@Query('link') token: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const grant =
      typeof token === 'string'
        ? verifyContentLink(token, this.config.RECORDING_LINK_SECRET, this.clock.nowMs())
        : undefined;
    // One answer for a bad, an expired and a deleted link: none of them says whether the recording exists.
    const row = grant && (await this.recordings.storedForLink(grant.orgId, grant.recordingId));
    if (!row || row.bytes === null) throw new AppException(ErrorCode.NOT_FOUND, 'Recording not found');
    await this.serve(row.objectKey, row.bytes, request, reply);
  }

  /**
   * The local driver's signed object URLs (its stand-in for S3 presigned GETs; see signed-object-url),
   * which the gateway serves at RECORDING_OBJECT_URL_PATH and streams from here (recordings.v1.object-link).
   */
  @Get('objects/*')
  async object(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const path = new URL(request.url, 'http://local').pathname.slice(`${OBJECT_URL_PATH}/`.length);
    const key = path.split('/').map(decodeURIComponent).join('/');
    const query = request.query as { expires?: string; signature?: string };
    const verdict = verifyObjectUrlSignature(key, query, this.config.RECORDING_LINK_SECRET, this.clock.nowMs());
    // As S3 does: an expired URL is refused (403), a forged one too, and neither says more.
    if (verdict !== 'valid') throw new AppException(ErrorCode.FORBIDDEN, 'Request has expired or is not signed');
    const head = await this.store.head(key);
    if (!head) throw new AppException(ErrorCode.NOT_FOUND, 'Object not found');
    await this.serve(key, head.bytes, request, reply);
  }

  private async serve(key: string, size: number, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const range = parseByteRange(request.headers.range, size);
    if (range === 'unsatisfiable') {
      await reply.code(416).header('content-range', `bytes */${size}`).send();
      return;
    }
    const object = await this.store.get(key, range);
    void reply
      .header('content-type', object.contentType)
      .header('accept-ranges', 'bytes')
      .header('content-length', String(object.bytes));
    if (range) {
      void reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${object.totalBytes}`);
    }
    await reply.send(object.body);
  }
}
