import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Diagnostic, DiagnosticSeverity, Parser } from '@asyncapi/parser';
import * as contracts from '@callfleet/contracts';
import {
  type ApiKeyPrincipalDto,
  type AudioClassSignal,
  AuthCommands,
  AuthEvents,
  CALL_EVENT_DESCRIPTORS,
  CallCommands,
  CallEventSubjects,
  type CommandDescriptor,
  DestinationCommands,
  type DtmfSignal,
  ERROR_HTTP_STATUS,
  type ErrorBody,
  ErrorCode,
  type EventEnvelope,
  FleetHeader,
  HUNT_EVENT_DESCRIPTORS,
  HuntCommands,
  HuntEventSubjects,
  hasNoBody,
  ingressSubject,
  LineCommands,
  LiveHumanDetected,
  type LiveHumanSignal,
  MediaCommands,
  MediaEvents,
  MediaHeaders,
  type MediaSignal,
  MediaSubjects,
  NATS_SERVICE_ERROR,
  NATS_SERVICE_ERROR_CODE,
  NotificationRequested,
  ProviderAccountCommands,
  RecordingCommands,
  RecordingDeleted,
  RecordingEvents,
  RecordingFailed,
  RecordingStored,
  type RepeatSignal,
  ServiceName,
  type StreamLifecycleSignal,
  Streams,
  StreamTokenCommands,
  TargetCommands,
  TEAM_CREDENTIAL_HEADER,
  TELEPHONY_EVENT_KINDS,
  TELEPHONY_PROVIDERS,
  TelephonyIngress,
  UserRegistered,
} from '@callfleet/contracts';
import { DEAD_LETTER_PREFIX, type EndpointStats } from '@callfleet/platform';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { apiPropertiesOf, flattenSchema, isContractClass, type JsonSchema, validationRulesOf } from './contract-rules';

const DOCUMENT_PATH = join(__dirname, '..', '..', '..', 'docs', 'asyncapi.yaml');

/** The parts of the (dereferenced) AsyncAPI document the checks read. */
interface Example {
  name?: string;
  payload?: unknown;
  headers?: unknown;
}
interface Message {
  name?: string;
  payload?: JsonSchema;
  headers?: JsonSchema;
  examples?: Example[];
}
interface Channel {
  address: string | null;
  'x-callfleet-core'?: boolean;
  messages?: Record<string, Message>;
  parameters?: Record<string, { enum?: string[] }>;
  'x-callfleet-stream'?: string;
}
interface Operation {
  action: 'send' | 'receive';
  channel: Channel;
  messages?: Message[];
  reply?: { channel?: Channel; messages?: Message[] };
  bindings?: { nats?: { queue?: string } };
  'x-callfleet-public'?: boolean;
  security?: { type?: string; name?: string; in?: string }[];
}
interface SecurityScheme {
  type: string;
  name?: string;
  in?: string;
}
interface AsyncApiDocument {
  servers: Record<string, { security?: SecurityScheme[] }>;
  channels: Record<string, Channel>;
  operations: Record<string, Operation>;
  components: {
    schemas: Record<string, JsonSchema>;
    messages: Record<string, Message>;
    securitySchemes: Record<string, SecurityScheme>;
  };
}

/** Which fields of an interface are required: checked by the type checker against the real interface. */
type Presence<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? 'optional' : 'required' };

const ENVELOPE: Presence<EventEnvelope> = {
  id: 'required',
  type: 'required',
  occurredAt: 'required',
  orgId: 'required',
  correlationId: 'required',
  data: 'required',
};

/** Interfaces (no runtime metadata) and the schema that documents each. */
const INTERFACE_SCHEMAS: [schema: string, fields: Record<string, 'required' | 'optional'>][] = [
  ['EventEnvelope', ENVELOPE],
  ['ErrorBody', { code: 'required', message: 'required', details: 'optional' } satisfies Presence<ErrorBody>],
  [
    'ApiKeyPrincipalDto',
    {
      userId: 'required',
      orgId: 'required',
      roles: 'required',
      kind: 'required',
      apiKeyId: 'required',
    } satisfies Presence<ApiKeyPrincipalDto>,
  ],
];

const STATS_ENDPOINT: Presence<EndpointStats> = {
  name: 'required',
  subject: 'required',
  queue_group: 'required',
  num_requests: 'required',
  num_errors: 'required',
  last_error: 'required',
  processing_time: 'required',
  average_processing_time: 'required',
};

/** Every command descriptor of libs/contracts, and the service (queue group) that answers it. */
const COMMANDS = (
  [
    [AuthCommands, ServiceName.AUTH],
    [StreamTokenCommands, ServiceName.AUTH],
    [ProviderAccountCommands, ServiceName.WEBHOOK_INGEST],
    [CallCommands, ServiceName.CALL_ORCHESTRATOR],
    [HuntCommands, ServiceName.CALL_ORCHESTRATOR],
    [DestinationCommands, ServiceName.CALL_ORCHESTRATOR],
    [TargetCommands, ServiceName.CALL_ORCHESTRATOR],
    [LineCommands, ServiceName.CALL_ORCHESTRATOR],
    [RecordingCommands, ServiceName.RECORDING_PIPELINE],
    [MediaCommands, ServiceName.MEDIA_STREAM],
  ] as const
).flatMap(([commands, service]) =>
  Object.values(commands as Record<string, CommandDescriptor>).map((command) => ({
    subject: command.subject,
    service,
    command,
  })),
);

/** Every event descriptor of libs/contracts (what consumers validate payloads against). */
const EVENTS = [
  NotificationRequested,
  UserRegistered,
  RecordingStored,
  RecordingFailed,
  RecordingDeleted,
  LiveHumanDetected,
  ...HUNT_EVENT_DESCRIPTORS,
  ...CALL_EVENT_DESCRIPTORS,
];
const EVENT_SUBJECTS = [
  ...Object.values(AuthEvents),
  ...Object.values(RecordingEvents),
  ...Object.values(MediaEvents),
  ...Object.values(HuntEventSubjects),
  ...Object.values(CallEventSubjects),
];

/** The signals of media.v1.signals.<callId>: interfaces, so their documented fields are checked here. */
const SIGNAL_SCHEMAS: [schema: string, fields: Record<string, 'required' | 'optional'>][] = [
  [
    'AudioClassSignal',
    {
      callId: 'required',
      atMs: 'required',
      kind: 'required',
      confidence: 'required',
    } satisfies Presence<AudioClassSignal>,
  ],
  [
    'RepeatSignal',
    {
      callId: 'required',
      atMs: 'required',
      kind: 'required',
      of: 'required',
      scope: 'required',
      confidence: 'required',
    } satisfies Presence<RepeatSignal>,
  ],
  [
    'DtmfSignal',
    { callId: 'required', atMs: 'required', kind: 'required', digit: 'required' } satisfies Presence<DtmfSignal>,
  ],
  [
    'LiveHumanSignal',
    {
      callId: 'required',
      atMs: 'required',
      kind: 'required',
      confidence: 'required',
      evidence: 'required',
    } satisfies Presence<LiveHumanSignal>,
  ],
  [
    'StreamLifecycleSignal',
    {
      callId: 'required',
      atMs: 'required',
      kind: 'required',
      provider: 'required',
      reason: 'optional',
    } satisfies Presence<StreamLifecycleSignal>,
  ],
];

/**
 * The gateway's HTTP body (on NATS the gateway sends LogoutCommand, which is documented), and the
 * envelope's rules shared by every event class (documented as EventEnvelope and in each event).
 */
const UNDOCUMENTED_CLASSES = new Set(['LogoutDto', 'EventEnvelopeFields']);

const CONTRACT_CLASSES = Object.entries(contracts).filter(
  ([name, value]) => isContractClass(value) && !UNDOCUMENTED_CLASSES.has(name),
) as [string, abstract new (...args: never[]) => unknown][];

function hasValidators(target: abstract new (...args: never[]) => unknown): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(target, '', true, false).length > 0;
}

/** NATS subject matching: `*` is one token, a trailing `>` one or more. */
function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

function requiredOf(fields: Record<string, 'required' | 'optional'>): string[] {
  return Object.keys(fields).filter((name) => fields[name] === 'required');
}

let doc: AsyncApiDocument;
let diagnostics: Diagnostic[];

function describeErrors(found: Diagnostic[]): string[] {
  return found.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.path.join('.')}: ${d.message}`);
}

beforeAll(async () => {
  const parsed = await new Parser().parse(readFileSync(DOCUMENT_PATH, 'utf8'));
  diagnostics = parsed.diagnostics;
  // Without a document every check below would fail on its own; one clear reason is better.
  if (!parsed.document)
    throw new Error(`docs/asyncapi.yaml does not parse:\n${describeErrors(diagnostics).join('\n')}`);
  doc = parsed.document.json() as unknown as AsyncApiDocument;
});

function channelAt(address: string): Channel {
  const channel = Object.values(doc.channels).find((c) => c.address === address);
  if (!channel) throw new Error(`no channel with the address ${address}`);
  return channel;
}

function operationsOn(address: string): Operation[] {
  return Object.values(doc.operations).filter((op) => op.channel.address === address);
}

function schema(name: string): JsonSchema {
  const found = doc.components.schemas[name];
  if (!found) throw new Error(`no schema ${name} in components.schemas`);
  return flattenSchema(found);
}

function onlyMessageOf(channel: Channel): Message {
  const messages = Object.values(channel.messages ?? {});
  expect(messages).toHaveLength(1);
  return messages[0];
}

describe('docs/asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3 document (no diagnostic of severity error)', () => {
    expect(describeErrors(diagnostics)).toEqual([]);
  });

  describe('commands', () => {
    it.each(COMMANDS)(
      '$subject is answered by $service in its queue group, with a result or an error',
      ({ subject, service }) => {
        const operations = operationsOn(subject);
        expect(operations).toHaveLength(1);
        const [operation] = operations;
        expect(operation.action).toBe('receive');
        expect(operation.bindings?.nats?.queue).toBe(service);
        expect(operation.messages?.length).toBe(1);
        const replies = (operation.reply?.messages ?? []).map((m) => m.name);
        expect(replies).toHaveLength(2);
        expect(replies).toContain('ServiceError');
      },
    );

    it.each(COMMANDS)('$subject takes and answers what its descriptor says', ({ command, subject }) => {
      const [operation] = operationsOn(subject);
      const request = operation.messages?.[0];
      if (hasNoBody(command)) {
        expect(request?.name).toBe('EmptyRequest');
      } else {
        expect(request?.payload?.['x-parser-schema-id']).toBe((command.request as { name: string }).name);
      }
      const reply = (operation.reply?.messages ?? []).find((m) => m.name !== 'ServiceError');
      const { items, schema: replySchema } = command.response;
      if (items) {
        expect(reply?.payload?.required).toEqual(['items']);
        expect(reply?.payload?.properties?.items?.items?.['x-parser-schema-id']).toBe(items.name);
      } else {
        expect(reply?.payload?.['x-parser-schema-id']).toBe(replySchema);
      }
    });

    it.each(COMMANDS)('$subject is marked public exactly when its descriptor is', ({ command, subject }) => {
      const [operation] = operationsOn(subject);
      expect(operation['x-callfleet-public'] === true).toBe(command.public === true);
      // A public command says how a team authenticates: the credential header the services read.
      expect(operation.security ?? []).toEqual(command.public ? [doc.components.securitySchemes.teamCredential] : []);
    });

    it('documents the team credential as the header the services read, and broker users on the server', () => {
      expect(doc.components.securitySchemes.teamCredential).toMatchObject({
        type: 'httpApiKey',
        in: 'header',
        name: TEAM_CREDENTIAL_HEADER,
      });
      expect(doc.components.securitySchemes.natsUser.type).toBe('userPassword');
      for (const server of Object.values(doc.servers)) {
        expect(server.security).toEqual([doc.components.securitySchemes.natsUser]);
      }
    });

    it('documents no command subject the code does not have', () => {
      const documented = Object.values(doc.channels)
        .filter((c) => !c['x-callfleet-core'])
        .map((c) => c.address)
        .filter((address): address is string => address !== null && /^[a-z-]+\.v1\./.test(address));
      expect(documented.sort()).toEqual(COMMANDS.map((c) => c.subject).sort());
    });

    it('never puts a command subject where a stream would capture it', () => {
      const filters = Object.values(Streams).flatMap((s) => s.subjects);
      for (const { subject } of COMMANDS) {
        expect(filters.filter((filter) => subjectMatches(filter, subject))).toEqual([]);
      }
    });
  });

  describe('errors', () => {
    it('lists exactly the closed list of error codes', () => {
      expect([...(schema('ErrorCode').enum ?? [])].sort()).toEqual(Object.values(ErrorCode).sort());
      expect(schema('ErrorBody').properties?.code?.enum).toEqual(schema('ErrorCode').enum);
    });

    it('describes the NATS service error headers with every status a code maps to', () => {
      const headers = schema('ServiceErrorHeaders');
      expect(headers.required?.sort()).toEqual([NATS_SERVICE_ERROR, NATS_SERVICE_ERROR_CODE].sort());
      const statuses = [...new Set(Object.values(ERROR_HTTP_STATUS).map(String))].sort();
      expect([...(headers.properties?.[NATS_SERVICE_ERROR_CODE]?.enum ?? [])].sort()).toEqual(statuses);
    });

    it('lets every command answer the error reply', () => {
      const error = doc.components.messages.ServiceError;
      expect(error.payload?.['x-parser-schema-id']).toBe('ErrorBody');
      expect(error.headers?.['x-parser-schema-id']).toBe('ServiceErrorHeaders');
    });
  });

  it('describes every fleet header', () => {
    expect(Object.keys(schema('FleetHeaders').properties ?? {}).sort()).toEqual(Object.values(FleetHeader).sort());
  });

  describe('events', () => {
    it('has a descriptor for every event subject', () => {
      expect(EVENTS.map((e) => e.subject).sort()).toEqual([...EVENT_SUBJECTS].sort());
    });

    it.each(EVENTS)('$subject carries the class its consumers validate against', ({ subject, stream, payload }) => {
      expect(channelAt(subject)['x-callfleet-stream']).toBe(stream);
      expect(onlyMessageOf(channelAt(subject)).payload?.['x-parser-schema-id']).toBe(payload.name);
    });

    it.each(EVENT_SUBJECTS)('%s is published on the EVENTS stream in the envelope, with Nats-Msg-Id', (subject) => {
      const channel = channelAt(subject);
      expect(channel['x-callfleet-stream']).toBe(Streams.EVENTS.name);
      expect(Streams.EVENTS.subjects.some((filter) => subjectMatches(filter, subject))).toBe(true);
      expect(operationsOn(subject).map((op) => op.action)).toEqual(['send']);
      const message = onlyMessageOf(channel);
      expect(flattenSchema(message.headers ?? {}).required).toContain('Nats-Msg-Id');
      const payload = flattenSchema(message.payload ?? {});
      expect(payload.required?.sort()).toEqual(requiredOf(ENVELOPE).sort());
      expect(payload.properties?.type?.const).toBe(subject);
    });

    it('documents every provider and kind of ingress subject, as ingressSubject() builds them', () => {
      const channel = channelAt('ingress.{provider}.v1.{kind}');
      expect(channel.parameters?.provider?.enum).toEqual([...TELEPHONY_PROVIDERS]);
      expect(channel.parameters?.kind?.enum).toEqual([...TELEPHONY_EVENT_KINDS]);
      expect(channel['x-callfleet-stream']).toBe(Streams.INGRESS.name);
      for (const provider of TELEPHONY_PROVIDERS) {
        for (const kind of TELEPHONY_EVENT_KINDS) {
          const subject = ingressSubject(provider, kind);
          expect(`ingress.${provider}.v1.${kind}`).toBe(subject);
          expect(Streams.INGRESS.subjects.some((filter) => subjectMatches(filter, subject))).toBe(true);
        }
      }
      expect(channel['x-callfleet-stream']).toBe(TelephonyIngress.stream);
      expect(subjectMatches(TelephonyIngress.subject, ingressSubject('twilio', 'call-status'))).toBe(true);
      const payload = onlyMessageOf(channel).payload;
      expect(payload?.['x-parser-schema-id']).toBe(TelephonyIngress.payload.name);
      // Tenancy is in the body: a consumer never needs the x-org-id header.
      expect(payload?.required).toContain('orgId');
    });

    it('documents dead letters under the prefix the consumers use, with their headers', () => {
      const channel = channelAt(`${DEAD_LETTER_PREFIX}.{originalSubject}`);
      expect(channel['x-callfleet-stream']).toBe(Streams.DEAD_LETTER.name);
      expect(
        Streams.DEAD_LETTER.subjects.some((filter) => subjectMatches(filter, `${DEAD_LETTER_PREFIX}.events.x.v1.y`)),
      ).toBe(true);
      const headers = flattenSchema(onlyMessageOf(channel).headers ?? {});
      expect(headers.required).toEqual(
        expect.arrayContaining([
          'Callfleet-Dead-Letter-Reason',
          'Callfleet-Original-Subject',
          'Callfleet-Deliveries',
          'Nats-Msg-Id',
        ]),
      );
    });
  });

  describe('live media (core NATS)', () => {
    const CORE = [
      { address: MediaSubjects.signals('{callId}'), action: 'send', message: 'MediaSignal' },
      { address: MediaSubjects.audio('{callId}'), action: 'send', message: 'MediaAudioFrame' },
      { address: MediaSubjects.play('{callId}'), action: 'receive', message: 'MediaPlay' },
    ];

    it.each(CORE)('$address is a core channel media-stream uses as $action, carrying $message', (core) => {
      const channel = channelAt(core.address);
      expect(channel['x-callfleet-core']).toBe(true);
      expect(channel['x-callfleet-stream']).toBeUndefined();
      expect(onlyMessageOf(channel).name).toBe(core.message);
      expect(operationsOn(core.address).map((op) => [op.action, op.bindings?.nats?.queue])).toEqual([
        [core.action, undefined],
      ]);
      // Never captured by a stream: live media is not stored.
      const subject = core.address.replace('{callId}', 'c1');
      expect(Object.values(Streams).flatMap((st) => st.subjects.filter((f) => subjectMatches(f, subject)))).toEqual([]);
    });

    it('lists every kind of signal, and the headers of audio and play', () => {
      const kinds = ((schema('MediaSignal') as JsonSchema & { oneOf?: JsonSchema[] }).oneOf ?? []).flatMap((branch) => {
        const kind = flattenSchema(branch).properties?.kind;
        return kind?.enum ?? (kind?.const === undefined ? [] : [kind.const]);
      });
      const all: MediaSignal['kind'][] = [
        'speech',
        'music',
        'silence',
        'tone',
        'repeat',
        'dtmf',
        'live-human',
        'stream-started',
        'stream-stopped',
      ];
      expect([...kinds].sort()).toEqual([...all].sort());
      expect(schema('MediaAudioHeaders').required?.sort()).toEqual(
        [MediaHeaders.SEQUENCE, MediaHeaders.TIMESTAMP_MS, MediaHeaders.CONTENT_TYPE].sort(),
      );
      expect(Object.keys(schema('MediaPlayHeaders').properties ?? {}).sort()).toEqual(
        [MediaHeaders.PLAY_ACTION, MediaHeaders.MARK_NAME].sort(),
      );
    });

    it.each(SIGNAL_SCHEMAS)('%s has the fields of its interface', (name, fields) => {
      const documented = schema(name);
      expect(Object.keys(documented.properties ?? {}).sort()).toEqual(Object.keys(fields).sort());
      expect([...(documented.required ?? [])].sort()).toEqual(requiredOf(fields).sort());
    });
  });

  describe('discovery', () => {
    it.each(['PING', 'INFO', 'STATS'])(
      '$SRV.%s is answered by every instance (no queue group), also per service',
      (verb) => {
        for (const address of [`$SRV.${verb}`, `$SRV.${verb}.{service}`]) {
          const operations = operationsOn(address);
          expect(operations).toHaveLength(1);
          expect(operations[0].action).toBe('receive');
          expect(operations[0].bindings?.nats?.queue).toBeUndefined();
          expect(operations[0].reply?.messages?.map((m) => m.name)).toHaveLength(1);
        }
        expect(channelAt(`$SRV.${verb}.{service}`).parameters?.service?.enum?.sort()).toEqual(
          Object.values(ServiceName).sort(),
        );
      },
    );

    it('describes the statistics every endpoint reports', () => {
      const endpoint = flattenSchema(schema('StatsResponse').properties?.endpoints?.items ?? {});
      expect(Object.keys(endpoint.properties ?? {}).sort()).toEqual(Object.keys(STATS_ENDPOINT).sort());
      expect(endpoint.required?.sort()).toEqual(requiredOf(STATS_ENDPOINT).sort());
    });
  });

  describe('schemas', () => {
    it('documents every contract class of libs/contracts', () => {
      expect(CONTRACT_CLASSES.length).toBeGreaterThan(20);
      const missing = CONTRACT_CLASSES.map(([name]) => name).filter((name) => !doc.components.schemas[name]);
      expect(missing).toEqual([]);
    });

    it.each(CONTRACT_CLASSES)('%s has the fields, required fields and rules of its class', (name, target) => {
      const documented = schema(name);
      const expected = hasValidators(target) ? validationRulesOf(target) : apiPropertiesOf(target);
      expect(Object.keys(documented.properties ?? {}).sort()).toEqual(Object.keys(expected.properties).sort());
      expect([...(documented.required ?? [])].sort()).toEqual([...expected.required].sort());
      expect(documented.properties).toMatchObject(expected.properties);
      // The services refuse unknown fields (whitelist + forbidNonWhitelisted); replies may grow.
      if (hasValidators(target)) expect(documented.additionalProperties).toBe(false);
    });

    it.each(INTERFACE_SCHEMAS)('%s has the fields of its interface', (name, fields) => {
      const documented = schema(name);
      expect(Object.keys(documented.properties ?? {}).sort()).toEqual(Object.keys(fields).sort());
      expect([...(documented.required ?? [])].sort()).toEqual(requiredOf(fields).sort());
    });
  });

  it("has examples that match their schemas, and request examples the services' validation accepts", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const problems: string[] = [];
    let checked = 0;
    for (const [messageName, message] of Object.entries(doc.components.messages)) {
      for (const example of message.examples ?? []) {
        const where = `${messageName} example "${example.name}"`;
        for (const part of ['payload', 'headers'] as const) {
          const partSchema = message[part];
          if (example[part] === undefined || !partSchema) continue;
          checked += 1;
          if (!ajv.validate(partSchema, example[part])) problems.push(`${where} ${part}: ${ajv.errorsText()}`);
        }
        const target = (contracts as Record<string, unknown>)[message.payload?.['x-parser-schema-id'] ?? ''];
        if (isContractClass(target) && hasValidators(target)) {
          const instance = plainToInstance(target as new () => object, example.payload);
          const errors = validateSync(instance, {
            whitelist: true,
            forbidNonWhitelisted: true,
            forbidUnknownValues: true,
          });
          if (errors.length > 0) problems.push(`${where}: ${target.name} refuses ${errors.map((e) => e.property)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });
});
