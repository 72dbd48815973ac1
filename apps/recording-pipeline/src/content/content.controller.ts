import { ErrorCode } from '@callfleet/contracts';
import { AppException, Clock } from '@callfleet/platform';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RecordingPipelineConfig } from '../recording-pipeline.config';
import { RecordingsService } from '../recordings/recordings.service';
import { RecordingStore } from '../storage/recording-store';
import { parseByteRange } from './byte-range';
import { verifyContentLink } from './content-link';

/**
 * Recording audio over HTTP, for the gateway's `/recordings/:id/content`: the gateway asks for a
 * link over NATS (org-scoped) and streams from here, so audio never rides NATS request/reply and is
 * never held whole. `Range` answers 206, as a browser's audio element needs to seek.
 */
@Controller('recordings/content')
export class ContentController {
  constructor(
    private readonly recordings: RecordingsService,
    private readonly store: RecordingStore,
    private readonly config: RecordingPipelineConfig,
    private readonly clock: Clock,
  ) {}

  @Get(':token')
  async content(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const grant = verifyContentLink(token, this.config.RECORDING_LINK_SECRET, this.clock.nowMs());
    // One answer for a bad, an expired and a deleted link: none of them says whether the recording exists.
    const row = grant && (await this.recordings.storedForLink(grant.orgId, grant.recordingId));
    if (!row || row.bytes === null) throw new AppException(ErrorCode.NOT_FOUND, 'Recording not found');
    const range = parseByteRange(request.headers.range, row.bytes);
    if (range === 'unsatisfiable') {
      await reply.code(416).header('content-range', `bytes */${row.bytes}`).send();
      return;
    }
    const object = await this.store.get(row.objectKey, range);
    void reply
      .header('content-type', object.contentType)
      .header('accept-ranges', 'bytes')
      .header('content-length', String(object.bytes))
      .header('etag', `"${row.sha256}"`);
    if (range) {
      void reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${object.totalBytes}`);
    }
    await reply.send(object.body);
  }
}
