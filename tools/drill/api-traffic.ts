import { randomBytes } from 'node:crypto';
import { TrafficWorkers } from './traffic-workers';

/** The API calls of one customer's journey, in order. */
export const API_CALLS = [
  'register',
  'login',
  'me',
  'provider-account create',
  'provider-accounts list',
  'api-key create',
  'me with the API key',
] as const;
export type ApiCallKind = (typeof API_CALLS)[number];

export interface ApiCallRecord {
  kind: ApiCallKind;
  /** What a write created and must be found by afterwards (an email, an account's or a key's name). */
  key?: string;
  at: number;
  status: number | string;
  acknowledged: boolean;
  /** For reads: the answer showed what it had to (the caller's email, the account just created). */
  correct?: boolean;
}

export interface ApiTrafficOptions {
  /** The gateways' front. */
  baseUrl: string;
  /** Journeys run at once. */
  concurrency: number;
  /** Credentials of the provider account every journey creates (the simulator's Twilio account). */
  providerAccount: { accountSid: string; authToken: string; apiBaseUrl: string };
  /** Waits between journeys of one worker, to keep the machine's cores for the fleet. */
  pauseMs: number;
}

const CALL_TIMEOUT_MS = 10_000;

/** The JSON answer; a front's plain-text 502 (or an empty body) reads as {}. */
function parseBody(text: string): Answer['body'] {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

interface Answer {
  status: number | string;
  ok: boolean;
  body: Record<string, unknown> & { items?: unknown[] };
}

/**
 * Customers using the API through the gateways while the drill breaks things: each journey
 * registers a new organization, logs in, reads itself, creates a provider account and an API key,
 * and reads with it. Every call is sent once (no client retries), so any duplicate found afterwards
 * was made by the fleet, and every acknowledged write must be found.
 */
export class ApiTraffic extends TrafficWorkers {
  readonly calls: ApiCallRecord[] = [];
  private readonly runId = randomBytes(3).toString('hex');
  private journeys = 0;

  constructor(private readonly options: ApiTrafficOptions) {
    super(options.concurrency);
  }

  protected async round(): Promise<void> {
    await this.journey(this.journeys++);
    await new Promise((r) => setTimeout(r, this.options.pauseMs));
  }

  private async call(
    kind: ApiCallKind,
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; key?: string },
    correct?: (body: Answer['body']) => boolean,
  ): Promise<Answer> {
    let answer: Answer;
    try {
      const response = await fetch(`${this.options.baseUrl}/api/v1${path}`, {
        method,
        headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
        body: init.body ? JSON.stringify(init.body) : undefined,
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const text = await response.text();
      answer = { status: response.status, ok: response.ok, body: parseBody(text) };
    } catch (error) {
      // No answer at all: timed out, or the connection failed (its code says how, e.g. ECONNRESET).
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      answer = {
        status: (error as Error).name === 'TimeoutError' ? 'timeout' : (cause ?? (error as Error).name),
        ok: false,
        body: {},
      };
    }
    this.calls.push({
      kind,
      key: init.key,
      at: Date.now(),
      status: answer.status,
      acknowledged: answer.ok,
      ...(correct && { correct: answer.ok && correct(answer.body) }),
    });
    return answer;
  }

  private async journey(n: number): Promise<void> {
    const email = `drill-${this.runId}-${n}@example.com`;
    const password = `drill-password-${n}`;
    const registered = await this.call('register', 'POST', '/auth/register', {
      key: email,
      body: { email, password, name: `Drill ${n}`, organizationName: `Drill org ${this.runId}-${n}` },
    });
    if (!registered.ok) return;
    const login = await this.call('login', 'POST', '/auth/login', { body: { email, password } });
    const token = String((login.ok ? login.body : registered.body).accessToken);
    const bearer = { authorization: `Bearer ${token}` };
    await this.call('me', 'GET', '/auth/me', { headers: bearer }, (me) => me.email === email);
    const accountName = `drill account ${this.runId}-${n}`;
    const { providerAccount } = this.options;
    const created = await this.call('provider-account create', 'POST', '/provider-accounts', {
      key: accountName,
      headers: bearer,
      body: {
        provider: 'twilio',
        name: accountName,
        apiBaseUrl: providerAccount.apiBaseUrl,
        credentials: { accountSid: providerAccount.accountSid, authToken: providerAccount.authToken },
      },
    });
    await this.call('provider-accounts list', 'GET', '/provider-accounts', { headers: bearer }, (list) => {
      const items = (Array.isArray(list) ? list : (list.items ?? [])) as { name?: string }[];
      return !created.ok || items.some((a) => a.name === accountName);
    });
    const keyName = `drill key ${this.runId}-${n}`;
    const key = await this.call('api-key create', 'POST', '/api-keys', {
      key: keyName,
      headers: bearer,
      body: { name: keyName, role: 'agent' },
    });
    if (!key.ok) return;
    await this.call(
      'me with the API key',
      'GET',
      '/auth/me',
      { headers: { 'x-api-key': String(key.body.key) } },
      (me) => me.organizationName === `Drill org ${this.runId}-${n}`,
    );
  }
}
