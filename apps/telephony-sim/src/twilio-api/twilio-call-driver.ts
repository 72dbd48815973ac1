import type { CallDriver, CallRuntime } from '../calls/call-runtime';
import { machineDetectionResult } from '../calls/far-end';
import { followTwiml } from '../twiml/twiml-runner';
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';
import type { TwilioCallbacks } from './twilio-callbacks';
import { callParams } from './twilio-resources';

/** Where a call's instructions come from: inline TwiML, or a URL Twilio fetches (signed). */
export type TwimlSource = { twiml: string } | { url: string; method: 'GET' | 'POST' };

/** A TwiML fetch that failed (Twilio's error 11200, "HTTP retrieval failure"). */
export class TwimlFetchError extends Error {
  readonly twilioErrorCode = 11200;
}

/** Twilio's side of an answered call: machine detection, SendDigits, then the TwiML. */
export class TwilioCallDriver implements CallDriver {
  constructor(
    private readonly source: TwimlSource,
    private readonly callbacks: TwilioCallbacks,
    private readonly webhooks: WebhookDispatcher,
    /** The first instructions of a call (not a redirect) also run machine detection and SendDigits. */
    private readonly initial: boolean,
  ) {}

  async run(rt: CallRuntime, signal: AbortSignal): Promise<void> {
    const options = rt.call.twilio;
    if (this.initial && options?.machineDetection) {
      const detectMessageEnd = options.machineDetection === 'DetectMessageEnd';
      const answeredBy = machineDetectionResult(rt.call.plan.scenario, detectMessageEnd);
      const detection = rt.sleep(rt.call.plan.machineDetectionSeconds).then(() => rt.setAnsweredBy(answeredBy));
      // Synchronous detection holds the TwiML back until it knows who answered; async runs beside it.
      if (options.asyncAmd) detection.catch(() => undefined);
      else await detection;
    }
    if (this.initial && options?.sendDigits) {
      for (const part of options.sendDigits.split(/w+/i)) {
        rt.sendDigits(part);
        await rt.sleep(0.5, signal);
      }
    }
    const document =
      'twiml' in this.source ? this.source.twiml : await this.fetch(rt, this.source.url, this.source.method);
    let base = 'url' in this.source ? this.source.url : undefined;
    await followTwiml(document, rt, signal, (url, method, params) => {
      const absolute = base ? new URL(url, base).toString() : url;
      base = absolute;
      return this.fetch(rt, absolute, method, params);
    });
  }

  private async fetch(
    rt: CallRuntime,
    url: string,
    method: 'GET' | 'POST',
    params: Record<string, string> = {},
  ): Promise<string> {
    const { call } = rt;
    const targets: { url: string; method: 'GET' | 'POST' }[] = [{ url, method }];
    if (call.twilio?.fallbackUrl) targets.push({ url: call.twilio.fallbackUrl, method: call.twilio.fallbackMethod });
    for (const target of targets) {
      const result = await this.webhooks.send(
        call,
        this.callbacks.signedRequest(call, {
          kind: 'twiml-fetch',
          ...target,
          body: { form: { ...callParams(call), ...params } },
        }),
      );
      if (result.status !== undefined && result.status >= 200 && result.status < 300) return result.body;
    }
    throw new TwimlFetchError(`could not fetch TwiML from ${url}`);
  }
}
