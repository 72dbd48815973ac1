import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ErrorBody, NATS_SERVICE_ERROR_CODE, type TokenPairDto } from '@callfleet/contracts';
import { plainNatsClient, startTestService, TestDatabase, testNamespace } from '@callfleet/testing';
import { type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import { decodeJwt } from 'jose';
import { authService } from '../src/auth.definition';

export interface Reply<T = Record<string, unknown>> {
  /** The result, or on failure the error body `{code, message, details?}`. */
  body: T & Partial<ErrorBody>;
  /** The Nats-Service-Error-Code header, or undefined on success. */
  status?: string;
}

export interface Identity {
  userId: string;
  orgId: string;
  roles: string[];
}

/** The auth service on real NATS and PostgreSQL, spoken to by a plain NATS client as the gateway would. */
export class AuthHarness {
  private constructor(
    readonly ns: string,
    readonly db: TestDatabase,
    readonly service: Awaited<ReturnType<typeof startTestService>>,
    readonly nc: NatsConnection,
    private readonly keysDir: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<AuthHarness> {
    const ns = testNamespace();
    const db = await TestDatabase.create();
    const keysDir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
    const service = await startTestService(authService, {
      namespace: ns,
      databaseUrl: db.url,
      env: { JWT_KEYS_DIR: keysDir, ...env },
    });
    return new AuthHarness(ns, db, service, await plainNatsClient(), keysDir);
  }

  async stop(): Promise<void> {
    await this.nc?.close();
    await this.service?.close();
    await this.db?.drop();
    rmSync(this.keysDir, { recursive: true, force: true });
  }

  async request<T = Record<string, unknown>>(
    subject: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    const reply = await this.nc.request(`${this.ns}.${subject}`, payload, { timeout: 5000, headers: h });
    return {
      body: reply.json<T & Partial<ErrorBody>>(),
      status: reply.headers?.get(NATS_SERVICE_ERROR_CODE) || undefined,
    };
  }

  /** Headers the gateway would set for the bearer of `accessToken`. */
  static as(identity: Identity): Record<string, string> {
    return { 'x-user-id': identity.userId, 'x-org-id': identity.orgId, 'x-roles': identity.roles.join(',') };
  }

  static identityOf(pair: TokenPairDto): Identity {
    const claims = decodeJwt(pair.accessToken);
    return { userId: String(claims.sub), orgId: String(claims.org), roles: claims.roles as string[] };
  }

  /** The last code the notifier logged for this email (dev mode, no SMTP_URL). */
  codeFor(email: string, kind: string): string {
    const line = [...this.service.logs.lines].reverse().find((l) => l.notification === kind && l.email === email);
    if (!line) throw new Error(`no ${kind} code logged for ${email}`);
    return String(line.code);
  }
}

let counter = 0;
/** A unique address per call, so tests in one file never collide. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}.${Date.now().toString(36)}${counter}@example.com`;
}

export const GOOD_PASSWORD = 'violet-harbour-engine-42';
