import type { OutgoingHttpHeaders } from 'node:http';
import { ErrorCode } from '@callfleet/contracts';
import { AppException, type Principal } from '@callfleet/platform';
import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TicketAccepted } from '../access-control/access.decorators';
import { CurrentPrincipal } from '../access-control/current-principal.decorator';
import { ApiErrors } from '../docs/api-responses';
import { EventTickets } from './event-tickets';
import { lastEventIdOf, liveEventSelection } from './live-event-selection';
import { LiveEventStreams } from './live-event-streams';
import { EventTicketDto, LiveEventsQueryDto } from './live-events.dto';

const STREAM_DESCRIPTION = [
  'Server-Sent Events of the caller’s organization, as they are stored (JetStream EVENTS), in order.',
  'Each event: `id: <stream sequence>` and `data: <event envelope JSON>` (`{id, type, occurredAt, orgId, correlationId, data}`),',
  'delivered to `onmessage`. Named control events: `ready` (the stream is live; its id is where it starts),',
  '`overflow` (the client read too slowly and is cut off) and `closing` (the gateway stops); both carry `lastEventId`.',
  'Comments (`: heartbeat`) keep the connection alive. A reconnect with `Last-Event-ID` gets exactly the events after it.',
  'Any role of the organization may read. Browsers pass `?ticket=` (EventSource cannot send headers).',
].join(' ');

/** Live events for frontends (hunts, calls, media decisions), and the tickets EventSource needs. */
@ApiTags('events')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('events')
export class LiveEventsController {
  constructor(
    private readonly tickets: EventTickets,
    private readonly streams: LiveEventStreams,
  ) {}

  @Post('tickets')
  @HttpCode(201)
  @ApiOperation({ summary: 'A short-lived, single-use ticket for `GET /events?ticket=` (bound to the caller)' })
  @ApiResponse({ status: 201, type: EventTicketDto })
  @ApiErrors(401)
  issue(@CurrentPrincipal() principal: Principal): Promise<EventTicketDto> {
    return this.tickets.issue(principal);
  }

  @Get()
  @TicketAccepted()
  @ApiOperation({
    summary: 'Live events of the caller’s organization (Server-Sent Events)',
    description: STREAM_DESCRIPTION,
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id (stream sequence)' })
  @ApiResponse({
    status: 200,
    description: 'An endless text/event-stream',
    content: {
      'text/event-stream': {
        schema: { type: 'string', example: 'id: 42\ndata: {"id":"…","type":"events.hunts.v1.won",…}\n\n' },
      },
    },
  })
  @ApiErrors(401)
  async stream(
    @Query() query: LiveEventsQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const selection = liveEventSelection(query);
    const lastEventId = lastEventIdOf(request.headers['last-event-id'] ?? query.lastEventId);
    const admitted = await this.streams.admit(principal.orgId, selection, lastEventId).catch((error: unknown) => {
      if (error instanceof AppException && error.code === ErrorCode.RATE_LIMIT_EXCEEDED) {
        void reply.header('retry-after', '5');
      }
      throw error;
    });
    // From here the response is ours: the headers the edge set so far (CORS, security, request id) go with it.
    reply.hijack();
    const edgeHeaders = Object.entries(reply.getHeaders()).filter(([, value]) => value !== undefined);
    reply.raw.writeHead(200, {
      ...(Object.fromEntries(edgeHeaders) as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx and similar proxies would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    await this.streams.stream(admitted, reply.raw);
  }
}
