import type { SimCall } from '../src/calls/sim-call';

export const ADMIN_TOKEN = 'test-admin-token';

/** Calls the running simulator the way the adapters and tests do. */
export class SimClient {
  constructor(private readonly baseUrl: string) {}

  admin(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  }

  async createAccount(settings: Record<string, unknown>): Promise<{ sid: string; authToken: string; apiKey: string }> {
    const response = await this.admin('POST', '/accounts', settings);
    if (response.status !== 201) throw new Error(`account not created: ${response.status} ${await response.text()}`);
    return (await response.json()) as { sid: string; authToken: string; apiKey: string };
  }

  async call(sid: string): Promise<SimCall> {
    return (await (await this.admin('GET', `/calls/${sid}`)).json()) as SimCall;
  }

  twilio(account: { sid: string; authToken: string }, method: string, path: string, form?: [string, string][]) {
    return fetch(`${this.baseUrl}/2010-04-01/Accounts/${account.sid}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${account.sid}:${account.authToken}`).toString('base64')}`,
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
  }

  raw(path: string, init?: RequestInit): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, init);
  }
}
