import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpErrorEnvelope, TokenPairDto } from '@callfleet/contracts';
import { ManualClock } from '@callfleet/platform';
import { expectErrorEnvelope, startTestService, TestDatabase, testNamespace } from '@callfleet/testing';
import { authService } from '../../auth/src/auth.definition';
import { gatewayService } from '../src/gateway.definition';

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is, e.g. malformed JSON; `body` is JSON-encoded otherwise. */
  rawBody?: string | Buffer;
  token?: string;
  headers?: Record<string, string>;
}

/** A gateway process as a browser or script sees it: plain HTTP with fetch. */
export class GatewayClient {
  constructor(readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (the docs page)
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  api<T = Record<string, unknown>>(method: string, path: string, options?: CallOptions) {
    return this.call<T>(method, `/api/v1${path}`, options);
  }
}

/** auth (with its own database and key directory) and two gateway replicas on one NATS namespace. */
export class GatewayFleet {
  private authRunning = true;

  private constructor(
    readonly namespace: string,
    /** auth's database, for reading its audit log. */
    readonly db: TestDatabase,
    readonly keysDir: string,
    public auth: Awaited<ReturnType<typeof startTestService>>,
    readonly gateways: Awaited<ReturnType<typeof startTestService>>[],
    private readonly gatewayEnv: Record<string, string>,
    /** The gateways' clock (their key-set refresh schedule): tests move it instead of shrinking settings. */
    readonly clock: ManualClock,
  ) {}

  static async start(gatewayEnv: Record<string, string> = {}): Promise<GatewayFleet> {
    const namespace = testNamespace();
    const db = await TestDatabase.create();
    const keysDir = mkdtempSync(join(tmpdir(), 'gateway-e2e-keys-'));
    const auth = await startTestService(authService, {
      namespace,
      databaseUrl: db.url,
      env: { JWT_KEYS_DIR: keysDir },
    });
    const clock = new ManualClock(Date.now());
    const gateways = [];
    for (let i = 0; i < 2; i++) {
      gateways.push(await startTestService(gatewayService, { namespace, env: gatewayEnv, clock }));
    }
    return new GatewayFleet(namespace, db, keysDir, auth, gateways, gatewayEnv, clock);
  }

  /** One more replica (stopped with the fleet). */
  async startGateway(): Promise<GatewayClient> {
    const gateway = await startTestService(gatewayService, {
      namespace: this.namespace,
      env: this.gatewayEnv,
      clock: this.clock,
    });
    this.gateways.push(gateway);
    return new GatewayClient(gateway.url);
  }

  client(replica = 0): GatewayClient {
    return new GatewayClient(this.gateways[replica].url);
  }

  /** The key auth signs with (the test stands in for a thief who has it, or a clock that moved on). */
  signingKey(): { kid: string; pem: string } {
    const file = readdirSync(this.keysDir)
      .filter((f) => f.endsWith('.pem'))
      .sort()
      .at(-1);
    if (!file) throw new Error('auth wrote no signing key');
    return { kid: file.slice(0, -'.pem'.length), pem: readFileSync(join(this.keysDir, file), 'utf8') };
  }

  /**
   * Rotates the signing key the way an operator does: a newer `<kid>.pem` in JWT_KEYS_DIR, then a
   * restart of auth, which signs with the newest key from then on. Returns the new kid.
   */
  async rotateSigningKey(): Promise<string> {
    const kid = new Date(Date.now() + 60_000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/:/g, '-');
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(this.keysDir, `${kid}.pem`), privateKey.export({ format: 'pem', type: 'pkcs8' }));
    await this.stopAuth();
    await this.startAuth();
    return kid;
  }

  /** Retires a signing key the way an operator does: its `<kid>.pem` removed, then auth (re)started. */
  async retireSigningKey(kid: string): Promise<void> {
    rmSync(join(this.keysDir, `${kid}.pem`));
    await this.stopAuth();
    await this.startAuth();
  }

  async stopAuth(): Promise<void> {
    if (this.authRunning) await this.auth.close();
    this.authRunning = false;
  }

  private async startAuth(): Promise<void> {
    this.auth = await startTestService(authService, {
      namespace: this.namespace,
      databaseUrl: this.db.url,
      env: { JWT_KEYS_DIR: this.keysDir },
    });
    this.authRunning = true;
  }

  async stop(): Promise<void> {
    for (const gateway of this.gateways) await gateway.close();
    await this.stopAuth();
    await this.db?.drop();
    rmSync(this.keysDir, { recursive: true, force: true });
  }
}

let counter = 0;
export function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}.${Date.now().toString(36)}${counter}@example.com`;
}

export const PASSWORD = 'violet-harbour-engine-42';

export function registration(label: string) {
  return { email: uniqueEmail(label), password: PASSWORD, name: `${label} owner`, organizationName: `${label} Ltd` };
}

/** Asserts the fleet's error envelope and returns it. */
export function envelopeOf(answer: HttpAnswer<unknown>): HttpErrorEnvelope {
  return expectErrorEnvelope(answer.body, answer.headers);
}

export type TokenPair = TokenPairDto;

/**
 * Rate limit windows restart at multiples of their length since the epoch. A test that needs all
 * its requests in one window waits out the last few seconds of the current one.
 */
export async function awayFromWindowEdge(windowMs: number, marginMs = 5_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 50));
}
