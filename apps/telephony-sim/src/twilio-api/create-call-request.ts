import type { TwilioCallOptions } from '../calls/sim-call';
import { type FormFields, formValue, formValues, resolveCallbackUrl } from '../provider-api/form-fields';
import { type ProviderApiError, twilioError } from '../provider-api/provider-api-error';
import { MAX_INLINE_TWIML } from './twilio-limits';

export interface CreateCallRequest {
  to: string;
  from: string;
  timeoutSeconds: number;
  record: boolean;
  options: TwilioCallOptions;
}

const STATUS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
const RECORDING_EVENTS = ['in-progress', 'completed', 'absent'];
const PHONE = /^(\+?[0-9]{3,15}|client:[\w.-]{1,64}|sip:[^\s]{3,200})$/;

/**
 * Reads Twilio's create-call form (`POST /2010-04-01/Accounts/{sid}/Calls.json`) the way Twilio
 * does: unknown parameters are ignored, a bad value is refused with Twilio's error code.
 * Callback URLs may be relative to the account's webhook base, which also supplies the defaults.
 */
export function parseCreateCall(
  form: FormFields,
  webhookBase: string | undefined,
): CreateCallRequest | ProviderApiError {
  // Trimmed: an unencoded "+" in a form arrives as a leading space.
  const to = formValue(form, 'To')?.trim();
  const from = formValue(form, 'From')?.trim();
  if (!to) return twilioError(400, 21201, "No 'To' number is specified");
  if (!from) return twilioError(400, 21213, "No 'From' number is specified");
  if (!PHONE.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to.slice(0, 40)}`);
  if (!PHONE.test(from)) return twilioError(400, 21212, `Invalid 'From' Phone Number: ${from.slice(0, 40)}`);

  const twiml = formValue(form, 'Twiml');
  const rawUrl = formValue(form, 'Url');
  if (!rawUrl && !twiml) return twilioError(400, 21205, 'Either Url or Twiml must be specified');
  if (twiml && twiml.length > MAX_INLINE_TWIML) {
    return twilioError(400, 21220, `Twiml is longer than ${MAX_INLINE_TWIML} characters`);
  }

  const urls: Record<string, string | undefined> = {};
  for (const name of ['Url', 'FallbackUrl', 'StatusCallback', 'AsyncAmdStatusCallback', 'RecordingStatusCallback']) {
    const raw = formValue(form, name);
    if (raw === undefined) continue;
    const resolved = resolveCallbackUrl(raw, webhookBase);
    if (!resolved) return twilioError(400, 21205, `${name} is not a valid URL`);
    urls[name] = resolved;
  }

  const method = (name: string): 'GET' | 'POST' | ProviderApiError => {
    const value = (formValue(form, name) ?? 'POST').toUpperCase();
    return value === 'GET' || value === 'POST' ? value : twilioError(400, 21220, `${name} must be GET or POST`);
  };
  const methods = {
    url: method('Method'),
    fallback: method('FallbackMethod'),
    status: method('StatusCallbackMethod'),
    amd: method('AsyncAmdStatusCallbackMethod'),
    recording: method('RecordingStatusCallbackMethod'),
  };
  for (const m of Object.values(methods)) if (typeof m !== 'string') return m;

  const statusEvents = words(formValues(form, 'StatusCallbackEvent'));
  if (statusEvents.some((e) => !STATUS_EVENTS.includes(e))) {
    return twilioError(400, 21220, `StatusCallbackEvent must be among ${STATUS_EVENTS.join(', ')}`);
  }
  const recordingEvents = words(formValues(form, 'RecordingStatusCallbackEvent'));
  if (recordingEvents.some((e) => !RECORDING_EVENTS.includes(e))) {
    return twilioError(400, 21220, `RecordingStatusCallbackEvent must be among ${RECORDING_EVENTS.join(', ')}`);
  }

  const machineDetection = formValue(form, 'MachineDetection');
  if (machineDetection !== undefined && machineDetection !== 'Enable' && machineDetection !== 'DetectMessageEnd') {
    return twilioError(400, 21220, 'MachineDetection must be Enable or DetectMessageEnd');
  }
  const timeoutRaw = formValue(form, 'Timeout') ?? '60';
  if (!/^\d{1,3}$/.test(timeoutRaw)) return twilioError(400, 21220, 'Timeout must be a whole number of seconds');
  const sendDigits = formValue(form, 'SendDigits');
  if (sendDigits && !/^[0-9*#wW]{1,32}$/.test(sendDigits)) {
    return twilioError(400, 21220, 'SendDigits may only hold 0-9, *, # and w');
  }
  const recordingChannels = formValue(form, 'RecordingChannels') ?? 'mono';
  if (recordingChannels !== 'mono' && recordingChannels !== 'dual') {
    return twilioError(400, 21220, 'RecordingChannels must be mono or dual');
  }
  const record = isTrue(formValue(form, 'Record'));
  const base = webhookBase;

  return {
    to,
    from,
    timeoutSeconds: Math.min(600, Math.max(1, Number(timeoutRaw))),
    record,
    options: {
      ...(urls.Url ? { url: urls.Url } : { twiml }),
      method: methods.url as 'GET' | 'POST',
      ...(urls.FallbackUrl ? { fallbackUrl: urls.FallbackUrl } : {}),
      fallbackMethod: methods.fallback as 'GET' | 'POST',
      statusCallback: urls.StatusCallback ?? (base ? `${base}/status` : undefined),
      statusCallbackMethod: methods.status as 'GET' | 'POST',
      // Without StatusCallbackEvent, Twilio reports only the final status.
      statusCallbackEvents: statusEvents.length > 0 ? statusEvents : ['completed'],
      ...(machineDetection ? { machineDetection } : {}),
      asyncAmd: isTrue(formValue(form, 'AsyncAmd')),
      asyncAmdStatusCallback: urls.AsyncAmdStatusCallback ?? (base ? `${base}/status` : undefined),
      asyncAmdStatusCallbackMethod: methods.amd as 'GET' | 'POST',
      recordingStatusCallback: urls.RecordingStatusCallback ?? (base && record ? `${base}/recording` : undefined),
      recordingStatusCallbackMethod: methods.recording as 'GET' | 'POST',
      recordingStatusCallbackEvents: recordingEvents.length > 0 ? recordingEvents : ['completed'],
      recordingChannels,
      ...(sendDigits ? { sendDigits } : {}),
    },
  };
}

/** Twilio takes repeated parameters; space- or comma-separated lists in one value are accepted too. */
function words(values: string[]): string[] {
  return values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
}

function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}
