import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenPairDto } from '@callfleet/contracts';
import { REPO_ROOT } from '@callfleet/testing';
import { BuiltFleet, isAlive, startedServices } from './test/built-fleet';

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  type?: string;
}
interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header' }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

/** Values no field of ours accepts as they are, or that break naive code: types, sizes, injections, prototypes. */
const HOSTILE_VALUES: unknown[] = [
  null,
  12345,
  -1,
  1e308,
  true,
  [],
  {},
  [{ nested: [{ deeper: {} }] }],
  'x'.repeat(100_000),
  '',
  '\u0000\u0001\uffff',
  '<script>alert(1)</script>',
  "'; DROP TABLE orchestrator.hunts; --",
  '../../../../etc/passwd',
  { $gt: '' },
  '1; <Hangup/>',
  '+1555<Dial>0000</Dial>',
  '😀'.repeat(1000),
];

/** Whole bodies that are not what any route takes: broken JSON, other JSON types, prototypes, depth, size. */
const HOSTILE_BODIES: { name: string; raw: string; contentType?: string }[] = [
  { name: 'broken JSON', raw: '{"a":' },
  { name: 'JSON null', raw: 'null' },
  { name: 'JSON array', raw: '[1,2,3]' },
  { name: 'JSON string', raw: '"text"' },
  { name: 'JSON number', raw: '42' },
  { name: '__proto__', raw: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}' },
  { name: 'deep nesting', raw: `${'['.repeat(20_000)}${']'.repeat(20_000)}` },
  { name: 'duplicate keys', raw: '{"name":"a","name":{"x":1}}' },
  { name: 'form body', raw: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
  { name: 'text body', raw: '{"a":1}', contentType: 'text/plain' },
  {
    name: 'xml body',
    raw: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    contentType: 'application/xml',
  },
  { name: 'over the size limit', raw: JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) }) },
];

/** Ids a path takes: well-formed but unknown (404), and malformed ones (400, never a 500). */
const HOSTILE_IDS = [
  '6f1c9a52-0c7b-4d0e-9a0e-3c3f4f7b2d11',
  'not-a-uuid',
  '..%2F..%2Fetc%2Fpasswd',
  'x'.repeat(2000),
  '%00',
  "1'%20OR%20'1'%3D'1",
  '%F0%9F%98%80',
];

const HOSTILE_QUERY = [
  'cursor=garbage',
  'cursor=eyJ4IjoxfQ',
  'limit=-1',
  'limit=1e309',
  'limit=abc',
  'limit=100000',
  'limit[]=1&limit[]=2',
  'status=%00',
  'enabled=maybe',
  'available[$ne]=1',
  'from=yesterday&to=0',
  'ttlSeconds=-5',
  'huntId=not-a-uuid',
  'types=%3Cscript%3E',
  'lastEventId=-1',
  'ticket=forged',
  `pool=${'p'.repeat(5000)}`,
];

function resolve(api: OpenApi, schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema;
  return api.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
}

interface Probe {
  what: string;
  method: string;
  path: string;
  token?: string;
  rawBody?: string;
  contentType?: string;
}

/** Every operation of the published OpenAPI document, with every hostile input we throw at it. */
function probes(api: OpenApi, token: string): Probe[] {
  const out: Probe[] = [];
  for (const [template, operations] of Object.entries(api.paths)) {
    for (const [verb, operation] of Object.entries(operations)) {
      const method = verb.toUpperCase();
      const route = `${method} ${template}`;
      const paths = template.includes('{')
        ? HOSTILE_IDS.map((id) => template.replace(/\{[^}]+\}/g, id).replace(/^\/api\/v1/, ''))
        : [template.replace(/^\/api\/v1/, '')];
      for (const path of paths) {
        // Nobody may use a route without credentials, or with forged ones (auth's own doors aside).
        out.push({ what: `${route} without a token`, method, path });
        out.push({ what: `${route} forged token`, method, path, token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
        out.push({ what: `${route} as the owner`, method, path, token });
      }
      const path = paths[0];
      if (operation.parameters?.some((p) => p.in === 'query')) {
        for (const query of HOSTILE_QUERY)
          out.push({ what: `${route} ?${query}`, method, path: `${path}?${query}`, token });
      }
      if (!operation.requestBody) continue;
      for (const body of HOSTILE_BODIES) {
        out.push({
          what: `${route} ${body.name}`,
          method,
          path,
          token,
          rawBody: body.raw,
          contentType: body.contentType,
        });
      }
      const schema = resolve(api, operation.requestBody.content?.['application/json']?.schema);
      for (const field of Object.keys(schema?.properties ?? {})) {
        for (const value of HOSTILE_VALUES) {
          const rawBody = JSON.stringify({ [field]: value });
          out.push({ what: `${route} ${field}=${rawBody.slice(0, 40)}`, method, path, token, rawBody });
        }
      }
    }
  }
  return out;
}

/**
 * Every public route of the fleet `npm start` runs, as its OpenAPI document lists them, thrown
 * thousands of hostile requests: no token, forged tokens, malformed and unknown ids, broken and
 * oversized bodies, wrong types in every field, injections, hostile queries. Each answer must be a
 * 4xx with the error envelope (or a success for what happens to be valid), never a 5xx, and every
 * service must still be up and ready afterwards.
 */
describe("hostile input on every public route (npm start's fleet)", () => {
  let fleet: BuiltFleet;

  beforeAll(async () => {
    // A sweep is thousands of calls from one org and one address: the limits would answer most of them.
    fleet = await BuiltFleet.start({
      RATE_LIMIT_API: '1000000/1h',
      RATE_LIMIT_ANONYMOUS: '1000000/1h',
      RATE_LIMIT_LOGIN: '1000000/1h',
      RATE_LIMIT_REGISTER: '1000000/1h',
      RATE_LIMIT_REFRESH: '1000000/1h',
      RATE_LIMIT_PASSWORD_RESET: '1000000/1h',
      RATE_LIMIT_VERIFY_EMAIL: '1000000/1h',
      RATE_LIMIT_VERIFY_EMAIL_RESEND: '1000000/1h',
    });
  }, 300_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it('answers each with a 4xx and the error envelope (or a success), never a 5xx, and stays up', async () => {
    const registered = await fleet.api<TokenPairDto>('POST', '/auth/register', {
      body: {
        email: `hostile-${Date.now()}@example.com`,
        password: 'a long enough password 1',
        name: 'Mallory',
        organizationName: 'Hostile Org',
      },
    });
    expect(registered.status).toBe(201);
    const api = JSON.parse(readFileSync(join(REPO_ROOT, 'docs/openapi.json'), 'utf8')) as OpenApi;
    const all = probes(api, registered.body.accessToken);
    expect(all.length).toBeGreaterThan(2000);

    const serverErrors: string[] = [];
    const notEnvelopes: string[] = [];
    const byStatus = new Map<number, number>();
    const started = startedServices(fleet.run);
    const send = async (probe: Probe) => {
      const headers: Record<string, string> = {};
      if (probe.token) headers.authorization = `Bearer ${probe.token}`;
      if (probe.rawBody !== undefined) headers['content-type'] = probe.contentType ?? 'application/json';
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 15_000);
      try {
        const response = await fetch(`${fleet.apiUrl}${probe.path}`, {
          method: probe.method,
          headers,
          body: probe.rawBody,
          signal: controller.signal,
        });
        byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1);

        // A live events stream that opened is a success; it is not read on.
        if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
          controller.abort();
          return;
        }
        const text = await response.text();
        if (response.status >= 500) serverErrors.push(`${probe.what} → ${response.status} ${text.slice(0, 200)}`);
        else if (response.status >= 400) {
          const body = (() => {
            try {
              return JSON.parse(text) as Record<string, unknown>;
            } catch {
              return null;
            }
          })();
          const envelope =
            body !== null &&
            typeof body.code === 'string' &&
            typeof body.error === 'string' &&
            typeof body.requestId === 'string';
          if (!envelope) notEnvelopes.push(`${probe.what} → ${response.status} ${text.slice(0, 120)}`);
        }
      } catch (error) {
        if (!controller.signal.aborted) serverErrors.push(`${probe.what} → ${String(error)}`);
      } finally {
        clearTimeout(timer);
      }
    };
    // A few at a time, as several hostile clients would.
    const sweep = async (probes: Probe[]) => {
      const queue = [...probes];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let probe = queue.shift(); probe; probe = queue.shift()) await send(probe);
        }),
      );
    };
    // A logout that succeeds ends the owner's session, so those go last.
    const isLogout = (p: Probe) => p.path.startsWith('/auth/logout');
    await sweep(all.filter((p) => !isLogout(p)));
    // Nothing hostile ended the owner's session: the owner probes above really reached the routes.
    expect((await fleet.api('GET', '/auth/me', { token: registered.body.accessToken })).status).toBe(200);
    await sweep(all.filter(isLogout));

    expect(serverErrors).toEqual([]);
    expect(notEnvelopes).toEqual([]);
    // It did hit the routes, not a wall: refusals of every kind, and some successes.
    expect([...byStatus.keys()].filter((s) => s >= 400 && s < 500).length).toBeGreaterThanOrEqual(4);
    for (const service of started) {
      expect({ service: service.name, alive: isAlive(service.pid) }).toEqual({ service: service.name, alive: true });
      const ready = await fetch(`http://127.0.0.1:${service.port}/health/ready`);
      expect({ service: service.name, status: ready.status }).toEqual({ service: service.name, status: 200 });
    }
    console.log(`hostile sweep: ${all.length} requests, by status ${JSON.stringify(Object.fromEntries(byStatus))}`);
  }, 600_000);
});
