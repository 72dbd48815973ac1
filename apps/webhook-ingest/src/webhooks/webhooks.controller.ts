import { ErrorCode, type TelephonyProvider } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallFlowService } from '../call-flow/call-flow.service';
import { DeliveryTracker } from './delivery-tracker';
import { EventIngestion, type IngestAnswer } from './event-ingestion.service';
import type { WebhookRoute } from './webhook-delivery';
import { WebhookGate } from './webhook-gate';

/** Twilio posts each kind of callback to its own URL; the body says what it is, the URL names it for the log. */
const TWILIO_EVENT_ROUTES = ['status', 'recording', 'amd'];
/** Providers with one URL per account for everything they send. */
const SINGLE_ROUTE_PROVIDERS: readonly TelephonyProvider[] = ['ringcentral', 'jambonz', 'generic'];

const noSuchRoute = () => new AppException(ErrorCode.NOT_FOUND, 'No such webhook route');

/**
 * The providers' door: one route per provider and account (see WebhookRoutes in libs/contracts).
 * Event webhooks are answered 200 once their events are stored; call-flow webhooks with the
 * instructions the provider waits for.
 */
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly tracker: DeliveryTracker,
    private readonly ingestion: EventIngestion,
    private readonly gate: WebhookGate,
    private readonly callFlow: CallFlowService,
  ) {}

  @Post('twilio/:accountKey/voice')
  async twilioVoice(
    @Param('accountKey') accountKey: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const route = { provider: 'twilio' as const, accountKey, kind: 'voice' };
    const flow = await this.tracker.track(route, request, reply, async (delivery) => {
      const { account, webhook } = await this.gate.identify(delivery, request);
      this.gate.admit(delivery, account, webhook, reply);
      const instructions = await this.callFlow.instructionsFor(account, webhook);
      delivery.outcome = 'call-flow';
      return instructions;
    });
    await reply.code(200).header('content-type', flow.contentType).send(flow.body);
  }

  @Post('twilio/:accountKey/:kind')
  @HttpCode(200)
  twilioEvents(
    @Param('accountKey') accountKey: string,
    @Param('kind') kind: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestAnswer> {
    if (!TWILIO_EVENT_ROUTES.includes(kind)) throw noSuchRoute();
    return this.events({ provider: 'twilio', accountKey, kind }, request, reply);
  }

  @Post('exotel/:accountKey/:pathSecret/status')
  @HttpCode(200)
  exotelStatus(
    @Param('accountKey') accountKey: string,
    @Param('pathSecret') pathSecret: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestAnswer> {
    return this.events({ provider: 'exotel', accountKey, kind: 'status', pathSecret }, request, reply);
  }

  @Post(':provider/:accountKey')
  @HttpCode(200)
  singleRoute(
    @Param('provider') provider: string,
    @Param('accountKey') accountKey: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestAnswer> {
    const known = SINGLE_ROUTE_PROVIDERS.find((p) => p === provider);
    if (!known) throw noSuchRoute();
    return this.events({ provider: known, accountKey, kind: 'notification' }, request, reply);
  }

  private events(route: WebhookRoute, request: FastifyRequest, reply: FastifyReply): Promise<IngestAnswer> {
    return this.tracker.track(route, request, reply, (delivery) => this.ingestion.ingest(delivery, request, reply));
  }
}
