import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExotelFlowApplet } from '../accounts/sim-account';
import type { CallDriver } from '../calls/call-runtime';
import { CallsService } from '../calls/calls.service';
import { type FormFields, formValue, formValues, isForm, resolveCallbackUrl } from '../provider-api/form-fields';
import { exotelError } from '../provider-api/provider-api-error';
import { ProviderApiErrorFilter } from '../provider-api/provider-api-error.filter';
import { providerBaseUrl } from '../provider-api/provider-base-url';
import { TelephonySimConfig } from '../telephony-sim.config';
import { ExotelApiAccess } from './exotel-api-access';
import { exotelCallResource, exotelXml } from './exotel-format';

const PHONE = /^\+?[0-9]{3,15}$/;
const CALL_SID = /^[0-9a-f]{32}$/;

/** Exotel connects `From` to a second number: once `From` answers, it is bridged to `To`. */
function connectTwoNumbers(to: string): CallDriver {
  return {
    run: async (rt, signal) => {
      rt.bridge({ kind: 'number', value: to });
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    },
  };
}

/** Rates Exotel's `sample-rate` query parameter may ask for. */
const EXOTEL_SAMPLE_RATES = new Set([8000, 16000, 24000]);

/** The stream a call is connected to (Exotel's "Connect Voice AI": `StreamUrl` + `StreamType`). */
interface ExotelStreamRequest {
  url: string;
  bidirectional: boolean;
  sampleRate: number;
  name?: string;
  customParameters: Record<string, string>;
}

/**
 * Reads `StreamUrl` (any letter case, as Exotel's own docs spell it `streamurl`): a ws(s) URL whose
 * query carries `sample-rate` (8000 default, 16000, 24000) and the custom parameters `start` repeats
 * (the fleet's `token` among them).
 */
function streamRequest(form: FormFields): ExotelStreamRequest | undefined {
  const field = (name: string) => {
    const key = Object.keys(form).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : formValue(form, key);
  };
  const raw = field('streamurl');
  if (raw === undefined) return undefined;
  const type = field('streamtype') ?? 'bidirectional';
  if (type !== 'bidirectional' && type !== 'unidirectional') {
    throw exotelError(400, 'StreamType must be bidirectional or unidirectional');
  }
  const parsed = parseStreamUrl(raw, type === 'bidirectional', field('streamname'));
  if (typeof parsed === 'string') throw exotelError(400, `StreamUrl: ${parsed}`);
  return parsed;
}

/** A stream URL with its `sample-rate` and custom parameters, or why it cannot be streamed to. */
function parseStreamUrl(raw: string, bidirectional: boolean, name?: string): ExotelStreamRequest | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be a ws:// or wss:// URL';
  }
  if ((url.protocol !== 'ws:' && url.protocol !== 'wss:') || raw.length > 600) {
    return 'must be a ws:// or wss:// URL of at most 600 characters';
  }
  const rate = url.searchParams.get('sample-rate') ?? '8000';
  if (!/^\d+$/.test(rate) || !EXOTEL_SAMPLE_RATES.has(Number(rate))) return 'sample-rate must be 8000, 16000 or 24000';
  const customParameters: Record<string, string> = {};
  for (const [key, value] of url.searchParams) if (key !== 'sample-rate') customParameters[key] = value;
  return {
    url: raw,
    bidirectional,
    sampleRate: Number(rate),
    customParameters,
    ...(name ? { name: name.slice(0, 32) } : {}),
  };
}

/** How long Exotel waits for a flow's dynamic stream URL. */
const DYNAMIC_URL_TIMEOUT_MS = 5000;

/**
 * A flow whose Voicebot/Stream applet streams: a static ws(s) URL, or an http(s) endpoint Exotel asks
 * for this call's URL (GET with the call's details; it answers `{"url": "wss://…"}`).
 */
function runFlow(flow: ExotelFlowApplet): CallDriver {
  return {
    run: async (rt, signal) => {
      let streamUrl = flow.url;
      if (/^https?:/i.test(flow.url)) {
        const { call } = rt;
        const query = new URLSearchParams({
          CallSid: call.sid,
          CallFrom: call.to,
          CallTo: call.from,
          Direction: 'outbound-api',
          CustomField: call.exotel?.customField ?? '',
        });
        const url = new URL(flow.url);
        for (const [key, value] of query) url.searchParams.set(key, value);
        const answer = await fetch(url, {
          signal: AbortSignal.any([signal, AbortSignal.timeout(DYNAMIC_URL_TIMEOUT_MS)]),
        });
        const body = (await answer.json().catch(() => undefined)) as { url?: unknown } | undefined;
        if (!answer.ok || typeof body?.url !== 'string') {
          throw new Error(`the flow's dynamic stream URL answered ${answer.status} without a "url"`);
        }
        streamUrl = body.url;
      }
      const request = parseStreamUrl(streamUrl, flow.applet === 'voicebot');
      if (typeof request === 'string') throw new Error(`the flow's stream URL ${request}`);
      await streamTo(request).run(rt, signal);
    },
  };
}

/** The call streams to our side (Voicebot when bidirectional, Stream applet when not), and ends when the stream does. */
function streamTo(request: ExotelStreamRequest): CallDriver {
  return {
    run: async (rt, signal) => {
      const session = rt.openStream({
        provider: 'exotel',
        kind: request.bidirectional ? 'voicebot' : 'stream-applet',
        stream: {
          url: request.url,
          parameters: request.customParameters,
          ...(request.name ? { name: request.name } : {}),
        },
        bidirectional: request.bidirectional,
        sampleRate: request.sampleRate,
      });
      const aborted = new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      );
      // When the stream closes first, the abort that comes later (the call's end) must not go unhandled.
      aborted.catch(() => undefined);
      await Promise.race([session.closed, aborted]);
    },
  };
}

/** Exotel's v1 voice API: `Calls/connect` (number to a flow, or two numbers) and call details. */
@Controller('v1/Accounts/:accountSid/Calls')
@UseFilters(ProviderApiErrorFilter)
export class ExotelController {
  constructor(
    private readonly access: ExotelApiAccess,
    private readonly calls: CallsService,
    private readonly config: TelephonySimConfig,
  ) {}

  @Post(':action')
  @HttpCode(200)
  async connect(
    @Param('accountSid') accountSid: string,
    @Param('action') action: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const account = this.access.authenticate(request, accountSid);
    if (action !== 'connect' && action !== 'connect.json') throw exotelError(404, 'Resource not found');
    const form: FormFields = isForm(body) ? body : {};
    const from = formValue(form, 'From');
    await this.access.failIfFaulty(account, from);
    const callerId = formValue(form, 'CallerId');
    const to = formValue(form, 'To');
    const flowUrl = formValue(form, 'Url');
    if (!from || !PHONE.test(from)) throw exotelError(400, 'From is required and must be a phone number');
    if (!callerId) throw exotelError(400, 'CallerId is required');
    const stream = streamRequest(form);
    if (!to && !flowUrl && !stream) throw exotelError(400, 'Either To, Url or StreamUrl is required');
    if (stream && (to || flowUrl)) throw exotelError(400, 'StreamUrl cannot be combined with To or Url');
    // A flow the account defined as streaming runs its applet; any other flow keeps the call in it.
    const flow =
      flowUrl && !to
        ? account.exotelFlows[
            flowUrl
              .replace(/[?#].*$/, '')
              .split('/')
              .pop() ?? ''
          ]
        : undefined;
    if (to && !PHONE.test(to)) throw exotelError(400, 'To must be a phone number');
    const rawCallback = formValue(form, 'StatusCallback');
    const statusCallback =
      rawCallback === undefined
        ? account.webhookBaseUrl && `${account.webhookBaseUrl}/status`
        : resolveCallbackUrl(rawCallback, account.webhookBaseUrl);
    if (rawCallback !== undefined && !statusCallback) throw exotelError(400, 'StatusCallback is not a valid URL');
    const timeOut = formValue(form, 'TimeOut');
    if (timeOut !== undefined && !/^\d{1,4}$/.test(timeOut)) throw exotelError(400, 'TimeOut must be seconds');

    const events = Object.keys(form)
      .filter((k) => /^StatusCallbackEvents(\[\d*\])?$/.test(k))
      .flatMap((k) => formValues(form, k));
    const call = this.calls.place({
      account,
      sid: randomBytes(16).toString('hex'),
      to: from,
      from: callerId,
      providerBaseUrl: providerBaseUrl(request, this.config.SIM_PUBLIC_URL),
      ringTimeoutSeconds: timeOut ? Math.max(1, Number(timeOut)) : 45,
      record: formValue(form, 'Record') === 'true',
      ...(to ? { driver: connectTwoNumbers(to) } : {}),
      ...(stream ? { driver: streamTo(stream) } : {}),
      ...(flow ? { driver: runFlow(flow) } : {}),
      extra: {
        exotel: {
          callerId,
          ...(flowUrl ? { flowUrl } : {}),
          ...(to ? { connectTo: to } : {}),
          ...(statusCallback ? { statusCallback } : {}),
          statusCallbackEvents: events,
          statusCallbackJson: formValue(form, 'StatusCallbackContentType') === 'application/json',
          ...(formValue(form, 'CustomField') ? { customField: formValue(form, 'CustomField') } : {}),
        },
      },
    });
    this.calls.note(call, { type: 'api-request', method: 'POST', path: request.url, params: form, status: 200 });
    this.send(reply, action.endsWith('.json'), exotelCallResource(call));
  }

  @Get(':callResource')
  async details(
    @Param('accountSid') accountSid: string,
    @Param('callResource') resource: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const account = this.access.authenticate(request, accountSid);
    await this.access.failIfFaulty(account);
    const json = resource.endsWith('.json');
    const sid = json ? resource.slice(0, -5) : resource;
    const call = CALL_SID.test(sid) ? this.calls.findForAccount(account.sid, sid) : undefined;
    if (!call) throw exotelError(404, 'Resource not found');
    this.calls.note(call, { type: 'api-request', method: 'GET', path: request.url, status: 200 });
    this.send(reply, json, exotelCallResource(call));
  }

  private send(reply: FastifyReply, json: boolean, resource: unknown): void {
    if (json) void reply.status(200).send(resource);
    else void reply.status(200).header('content-type', 'application/xml').send(exotelXml(resource));
  }
}
