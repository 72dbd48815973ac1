/**
 * An error answered in the provider's own format (Twilio's `{code, message, more_info, status}`,
 * RingCentral's `{errorCode, message, errors}`, Exotel's `{RestException}`), because the adapters
 * under test must parse what the real provider sends. The admin API uses the fleet's envelope.
 */
export class ProviderApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`provider API error ${status}`);
  }
}

export function twilioError(status: number, code: number, message: string, headers: Record<string, string> = {}) {
  return new ProviderApiError(
    status,
    { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    headers,
  );
}

export function exotelError(status: number, message: string, headers: Record<string, string> = {}) {
  return new ProviderApiError(status, { RestException: { Status: status, Message: message } }, headers);
}

export function ringCentralError(
  status: number,
  errorCode: string,
  message: string,
  headers: Record<string, string> = {},
) {
  return new ProviderApiError(status, { errorCode, message, errors: [{ errorCode, message }] }, headers);
}
