import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  ErrorCode,
  IdParamDto,
  ListRecordingsDto,
  OkDto,
  RECORDING_OBJECT_URL_PATH,
  RecordingCommands,
  type RecordingContentLinkDto,
  RecordingDto,
  RecordingListDto,
  RecordingObjectQueryDto,
  RecordingUrlDto,
  RecordingUrlQueryDto,
} from '@callfleet/contracts';
import { AppException, NatsRpcClient } from '@callfleet/platform';
import { Controller, Delete, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ManagersOnly, Public } from '../access-control/access.decorators';
import { ApiErrors } from '../docs/api-responses';

/** The pipeline's answer headers the browser needs to play and seek. */
const CONTENT_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'etag'] as const;
/** Until the first byte of the pipeline's answer; the body then streams as long as the client reads. */
const CONTENT_CONNECT_TIMEOUT_MS = 10_000;

/** Recordings of the caller's organization, copied from the providers by recording-pipeline. */
@ApiTags('recordings')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('recordings')
export class RecordingsController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Recordings of the caller’s organization, newest first, by cursor pages of at most 1000' })
  @ApiResponse({ status: 200, type: RecordingListDto })
  @ApiErrors(401)
  list(@Query() query: ListRecordingsDto): Promise<RecordingListDto> {
    return this.rpc.call(RecordingCommands.List, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One recording: its copy state, size, checksum, duration and content type' })
  @ApiResponse({ status: 200, type: RecordingDto })
  @ApiErrors(401, 404)
  get(@Param() params: IdParamDto): Promise<RecordingDto> {
    return this.rpc.call(RecordingCommands.Get, params);
  }

  @Get(':id/url')
  @ApiOperation({ summary: 'A short-lived GET URL of the audio (presigned; at most 15 minutes)' })
  @ApiResponse({ status: 200, type: RecordingUrlDto })
  @ApiErrors(401, 404, 409)
  url(@Param() params: IdParamDto, @Query() query: RecordingUrlQueryDto): Promise<RecordingUrlDto> {
    return this.rpc.call(RecordingCommands.Url, { ...query, id: params.id });
  }

  /**
   * Streamed from the pipeline's HTTP port with a link it signed for this request (asked over NATS,
   * org-scoped): the audio never travels as one NATS message, the gateway holds only what is in
   * flight, and the same route works for both store drivers. Range is passed on, so seeking works.
   */
  @Get(':id/content')
  @ApiOperation({ summary: 'The audio, streamed; `Range: bytes=…` answers 206 with those bytes' })
  @ApiProduces('audio/x-wav', 'audio/wav', 'audio/mpeg')
  @ApiResponse({ status: 200, description: 'The whole recording' })
  @ApiResponse({ status: 206, description: 'The requested byte range (Content-Range)' })
  @ApiResponse({ status: 416, description: 'The range lies outside the recording' })
  @ApiErrors(401, 404, 409)
  async content(
    @Param() params: IdParamDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.stream(await this.rpc.call(RecordingCommands.ContentLink, params), request, reply);
  }

  /**
   * The local store's signed URLs (its stand-in for S3 presigned GETs, made by `/:id/url`): no bearer,
   * the signature is the credential. The pipeline checks it (recordings.v1.object-link, where the
   * secret lives) and the audio streams as `/:id/content` does.
   */
  // A wildcard: keys hold slashes.
  @Get('objects/*')
  @Public()
  @ApiOperation({ summary: 'A signed URL of the local store (from `/:id/url`); no bearer token, Range as `/content`' })
  @ApiParam({ name: 'path', description: 'The object key' })
  @ApiProduces('audio/x-wav', 'audio/wav', 'audio/mpeg')
  @ApiResponse({ status: 200, description: 'The whole recording' })
  @ApiResponse({ status: 206, description: 'The requested byte range (Content-Range)' })
  @ApiResponse({ status: 416, description: 'The range lies outside the recording' })
  @ApiErrors(400, 403, 404)
  async object(
    @Query() query: RecordingObjectQueryDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const key = objectKeyOf(request.url);
    const link = await this.rpc.call(RecordingCommands.ObjectLink, { ...query, key });
    await this.stream(link, request, reply);
  }

  /** One way of proxying the pipeline's audio: status, the headers a player needs, then the body as it comes. */
  private async stream(link: RecordingContentLinkDto, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const range = request.headers.range;
    const upstream = await fetch(link.url, {
      headers: range ? { range } : {},
      signal: AbortSignal.timeout(CONTENT_CONNECT_TIMEOUT_MS),
    }).catch(() => {
      throw new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Recording content is unavailable');
    });
    if (upstream.status === 403) {
      await upstream.body?.cancel();
      throw new AppException(ErrorCode.FORBIDDEN, 'Request has expired or is not signed');
    }
    if (upstream.status === 404) {
      await upstream.body?.cancel();
      throw new AppException(ErrorCode.NOT_FOUND, 'Recording not found');
    }
    if (![200, 206, 416].includes(upstream.status) || !upstream.body) {
      await upstream.body?.cancel();
      throw new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Recording content is unavailable');
    }
    void reply.code(upstream.status);
    for (const name of CONTENT_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) void reply.header(name, value);
    }
    const body = Readable.fromWeb(upstream.body as WebReadableStream<Uint8Array>);
    // A client that goes away stops the pipeline's stream too.
    request.raw.once('close', () => body.destroy());
    await reply.send(body);
  }

  @Delete(':id')
  @ManagersOnly()
  @ApiOperation({ summary: 'Delete the recording (object and row); audited as events.recordings.v1.deleted' })
  @ApiResponse({ status: 200, type: OkDto })
  @ApiErrors(401, 403, 404)
  delete(@Param() params: IdParamDto): Promise<OkDto> {
    return this.rpc.call(RecordingCommands.Delete, params);
  }
}

/** The object key of a signed object URL's path; a malformed one is refused as the pipeline would. */
function objectKeyOf(url: string): string {
  const path = url.split('?', 1)[0].slice(`${RECORDING_OBJECT_URL_PATH}/`.length);
  try {
    return path.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw new AppException(ErrorCode.VALIDATION_ERROR, 'key must be an object key');
  }
}
