import {
  type CreateProviderAccountDto,
  FleetHeader,
  type HttpErrorEnvelope,
  KvBuckets,
  ProviderAccountCommands,
  type ProviderAccountDto,
  Streams,
  type TelephonyIngressEvent,
} from '@callfleet/contracts';
import { type Clock, MetricsService, SubjectNamespace } from '@callfleet/platform';
import {
  expectErrorEnvelope,
  type FleetAnswer,
  type FleetRequestCaller,
  fleetRequest,
  startTestService,
  TEST_NATS_URL,
  TestDatabase,
  testNamespace,
} from '@callfleet/testing';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { webhookIngestService } from '../src/webhook-ingest.definition';

export type IngestService = Awaited<ReturnType<typeof startTestService>>;

export interface StoredEvent {
  subject: string;
  msgId: string | undefined;
  /** The x-org-id header (the body's `event.orgId` is what consumers read). */
  orgId: string | undefined;
  event: TelephonyIngressEvent;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: () => unknown;
}

/** webhook-ingest with its own database and namespace, as providers and other services see it. */
export class IngestHarness {
  readonly ns: SubjectNamespace;
  /** More instances of the service on the same database and namespace (startReplica). */
  readonly replicas: IngestService[] = [];
  private nc?: NatsConnection;

  private constructor(
    readonly namespace: string,
    readonly db: TestDatabase,
    readonly natsUrl: string,
    public service: IngestService,
    private readonly env: Record<string, string>,
    private readonly clock?: Clock,
  ) {
    this.ns = new SubjectNamespace(namespace);
  }

  /** `clock`: the service's time (a ManualClock lets the test move it). */
  static async start(
    options: { env?: Record<string, string>; natsUrl?: string; clock?: Clock } = {},
  ): Promise<IngestHarness> {
    const namespace = testNamespace();
    const db = await TestDatabase.create();
    const natsUrl = options.natsUrl ?? TEST_NATS_URL;
    const env = { DEV_PROVIDER_ACCOUNTS: 'false', ...options.env };
    const service = await startTestService(webhookIngestService, {
      namespace,
      databaseUrl: db.url,
      natsUrl,
      env,
      clock: options.clock,
    });
    return new IngestHarness(namespace, db, natsUrl, service, env, options.clock);
  }

  private startInstance(env: Record<string, string> = {}): Promise<IngestService> {
    return startTestService(webhookIngestService, {
      namespace: this.namespace,
      databaseUrl: this.db.url,
      natsUrl: this.natsUrl,
      env: { ...this.env, ...env },
      clock: this.clock,
    });
  }

  /** Stops the service and starts it again on the same database and namespace (a new port). */
  async restartService(env: Record<string, string> = {}): Promise<void> {
    await this.service.close();
    this.service = await this.startInstance(env);
  }

  /** Another instance of the service beside the first, sharing its database, namespace and clock. */
  async startReplica(): Promise<IngestService> {
    const replica = await this.startInstance();
    this.replicas.push(replica);
    return replica;
  }

  async client(): Promise<NatsConnection> {
    this.nc ??= await connect({ servers: this.natsUrl, name: 'ingest-test' });
    return this.nc;
  }

  /** A plain NATS request as the gateway makes it, with the caller's identity in the fleet headers. */
  async request<T>(subject: string, body: unknown, caller: FleetRequestCaller): Promise<FleetAnswer<T>> {
    return fleetRequest<T>(await this.client(), this.ns.prefix, subject, body, caller, 5_000);
  }

  async createAccount(orgId: string, dto: CreateProviderAccountDto): Promise<ProviderAccountDto> {
    const answer = await this.request<ProviderAccountDto>(ProviderAccountCommands.Create.subject, dto, { orgId });
    if (!answer.ok) throw new Error(`account not created: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** The webhook URL of a path on this service, as a provider calls it. */
  url(path: string): string {
    return `${this.service.url}${path}`;
  }

  async post(path: string, body: string | Buffer, headers: Record<string, string>): Promise<HttpAnswer> {
    const response = await fetch(this.url(path), { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  }

  /** Every message in INGRESS, in stream order. */
  async storedEvents(): Promise<StoredEvent[]> {
    const nc = await this.client();
    const jsm = await jetstreamManager(nc);
    const stream = this.ns.stream(Streams.INGRESS.name);
    const { messages } = (await jsm.streams.info(stream)).state;
    if (messages === 0) return [];
    const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
    const stored: StoredEvent[] = [];
    while (stored.length < messages) {
      const batch = await consumer.fetch({ max_messages: Math.min(1000, messages - stored.length), expires: 2_000 });
      for await (const msg of batch) {
        stored.push({
          subject: this.ns.strip(msg.subject),
          msgId: msg.headers?.get('Nats-Msg-Id') || undefined,
          orgId: msg.headers?.get(FleetHeader.ORG_ID) || undefined,
          event: msg.json<TelephonyIngressEvent>(),
        });
      }
    }
    await consumer.delete().catch(() => undefined);
    return stored;
  }

  /** A metric's value on one instance (the first by default), summed over the series matching `labels`. */
  async metric(name: string, labels: Record<string, string>, instance: IngestService = this.service): Promise<number> {
    const metrics = instance.app.get(MetricsService);
    const values = (await metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
    return values
      .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
      .reduce((sum, v) => sum + v.value, 0);
  }

  async stop(): Promise<void> {
    for (const replica of this.replicas) await replica.close();
    await this.service?.close();
    const nc = await this.client().catch(() => undefined);
    if (nc) {
      const jsm = await jetstreamManager(nc);
      for (const stream of [Streams.INGRESS.name, Streams.EVENTS.name]) {
        await jsm.streams.delete(this.ns.stream(stream)).catch(() => undefined);
      }
      const kvm = new Kvm(nc);
      await kvm
        .open(this.ns.bucket(KvBuckets.WEBHOOK_RATE_LIMITS))
        .then((kv) => kv.destroy())
        .catch(() => undefined);
      await nc.close();
    }
    await this.db.drop();
  }
}

/** Asserts the fleet's error envelope and returns it. */
export function envelopeOf(answer: HttpAnswer): HttpErrorEnvelope {
  return expectErrorEnvelope(answer.json(), answer.headers);
}

/** Form body of Twilio parameters, in the order given (Twilio's signature does not depend on it). */
export function formBody(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

export const TWILIO_FORM = 'application/x-www-form-urlencoded; charset=utf-8';
