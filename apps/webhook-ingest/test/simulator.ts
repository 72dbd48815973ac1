import { startTestService, testNamespace } from '@callfleet/testing';
import { telephonySimService } from '../../telephony-sim/src/telephony-sim.definition';

export const SIM_ADMIN_TOKEN = 'ingest-test-admin-token';
/** The simulator's dev Twilio account (apps/telephony-sim/README.md). */
export const SIM_TWILIO = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: '0123456789abcdef0123456789abcdef',
};
export const SIM_RINGCENTRAL_TOKEN = 'dev-ringcentral-access-token';

export interface BurstResult {
  delivered: number;
  failed: number;
  deliveries: { callSid: string; outcome: string; attempts: { attempt: number; status?: number; error?: string }[] }[];
}

/** The simulated provider, the one fake of these tests, in this process on its own namespace. */
export class Simulator {
  private constructor(readonly service: Awaited<ReturnType<typeof startTestService>>) {}

  static async start(env: Record<string, string> = {}): Promise<Simulator> {
    const service = await startTestService(telephonySimService, {
      namespace: testNamespace(),
      env: {
        SIM_ADMIN_TOKEN,
        SIM_DEV_ACCOUNT_SID: SIM_TWILIO.accountSid,
        SIM_DEV_AUTH_TOKEN: SIM_TWILIO.authToken,
        ...env,
      },
    });
    return new Simulator(service);
  }

  get url(): string {
    return this.service.url;
  }

  async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${SIM_ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** `count` distinct signed status callbacks to `url`, retried as the simulator retries; resolves when all are done. */
  burst(url: string, count: number, concurrency = 50): Promise<BurstResult> {
    return this.admin<BurstResult>('POST', '/webhook-bursts', { url, count, concurrency });
  }

  stop(): Promise<void> {
    return this.service.close();
  }
}
