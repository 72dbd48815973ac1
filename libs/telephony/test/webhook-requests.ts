import type { WebhookRequest } from '../src/webhooks/webhook-request';

export function formWebhook(
  params: Record<string, string | string[]>,
  url = 'https://hooks.example/webhooks',
): WebhookRequest {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  }
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: Buffer.from(form.toString()),
  };
}

export function jsonWebhook(
  payload: unknown,
  headers: Record<string, string> = {},
  url = 'https://hooks.example/webhooks',
): WebhookRequest {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    rawBody: Buffer.from(JSON.stringify(payload)),
  };
}
