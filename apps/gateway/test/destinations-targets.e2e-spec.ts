import { randomUUID } from 'node:crypto';
import type {
  CreatedApiKeyDto,
  DestinationDto,
  DestinationListDto,
  MeDto,
  TargetDto,
  TargetListDto,
  TargetStatsDto,
} from '@callfleet/contracts';
import { expectErrorEnvelope, startTestService, TestDatabase } from '@callfleet/testing';
import { DataSource } from 'typeorm';
import { callOrchestratorService } from '../../call-orchestrator/src/call-orchestrator.definition';
import { type GatewayClient, GatewayFleet, type HttpAnswer, registration, type TokenPair } from './gateway-fleet';

/** /api/v1/destinations and /api/v1/targets: gateway → NATS → call-orchestrator, identities from auth. */
describe('gateway: destinations and targets (auth + gateway + call-orchestrator, real NATS and PostgreSQL)', () => {
  let fleet: GatewayFleet;
  let db: TestDatabase;
  let orchestrator: Awaited<ReturnType<typeof startTestService>>;
  let api: GatewayClient;
  let owner: TokenPair;
  let stranger: TokenPair;
  let viewerKey: string;
  let orgId: string;

  const as = (token: string) => ({ token });
  const viewer = () => ({ headers: { 'x-api-key': viewerKey } });

  /** A refusal: the status, and the fleet's error envelope with its code. */
  function refusal(answer: HttpAnswer<unknown>, status: number): string {
    expect({ status: answer.status, body: answer.body }).toEqual({ status, body: expect.anything() });
    return expectErrorEnvelope(answer.body, answer.headers).code;
  }

  beforeAll(async () => {
    fleet = await GatewayFleet.start({ RATE_LIMIT_REGISTER: '50/15m', RATE_LIMIT_ANONYMOUS: '1000/15m' });
    db = await TestDatabase.create();
    orchestrator = await startTestService(callOrchestratorService, { namespace: fleet.namespace, databaseUrl: db.url });
    api = fleet.client();
    owner = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('dest-a') })).body;
    stranger = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('dest-b') })).body;
    orgId = (await api.api<MeDto>('GET', '/auth/me', as(owner.accessToken))).body.orgId;
    viewerKey = (
      await api.api<CreatedApiKeyDto>('POST', '/api-keys', {
        ...as(owner.accessToken),
        body: { name: 'wallboard', role: 'viewer' },
      })
    ).body.key;
  });

  afterAll(async () => {
    await orchestrator?.close();
    await db?.drop();
    await fleet?.stop();
  });

  describe('destinations', () => {
    let queue: DestinationDto;
    let desk: DestinationDto;

    it('creates, lists by cursor pages, gets, patches and deletes, with one default at a time', async () => {
      const created = await api.api<DestinationDto>('POST', '/destinations', {
        ...as(owner.accessToken),
        body: { name: 'Support queue', kind: 'phone', number: '+15550100100', sendDigits: 'ww12#' },
      });
      expect(created.status).toBe(201);
      queue = created.body;
      expect(queue).toMatchObject({ kind: 'phone', sendDigits: 'ww12#', isDefault: true });
      desk = (
        await api.api<DestinationDto>('POST', '/destinations', {
          ...as(owner.accessToken),
          body: { name: 'Desk', kind: 'sip', uri: 'sip:desk@pbx.example.com' },
        })
      ).body;
      expect(desk.isDefault).toBe(false);

      const moved = await api.api<DestinationDto>('PATCH', `/destinations/${desk.id}`, {
        ...as(owner.accessToken),
        body: { isDefault: true, name: 'Front desk' },
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ isDefault: true, name: 'Front desk', uri: 'sip:desk@pbx.example.com' });
      const again = await api.api<DestinationDto>('GET', `/destinations/${queue.id}`, viewer());
      expect(again.body.isDefault).toBe(false);

      const first = await api.api<DestinationListDto>('GET', '/destinations?limit=1', viewer());
      expect(first.status).toBe(200);
      expect(first.body.items.map((d) => d.id)).toEqual([queue.id]);
      const second = await api.api<DestinationListDto>(
        'GET',
        `/destinations?limit=1&cursor=${first.body.nextCursor}`,
        viewer(),
      );
      expect(second.body).toEqual({
        items: [expect.objectContaining({ id: desk.id, isDefault: true })],
        nextCursor: null,
      });

      const extra = await api.api<DestinationDto>('POST', '/destinations', {
        ...as(owner.accessToken),
        body: { name: 'Spare', kind: 'phone', number: '+15550100101', isDefault: false },
      });
      expect((await api.api('DELETE', `/destinations/${extra.body.id}`, as(owner.accessToken))).body).toEqual({
        ok: true,
      });
      expect(refusal(await api.api('GET', `/destinations/${extra.body.id}`, as(owner.accessToken)), 404)).toBe(
        'NOT_FOUND',
      );
    });

    it('lets a viewer read but not write (403)', async () => {
      for (const [method, path, body] of [
        ['POST', '/destinations', { name: 'x', kind: 'phone', number: '+15550100100' }],
        ['PATCH', `/destinations/${queue.id}`, { name: 'mine' }],
        ['DELETE', `/destinations/${queue.id}`, undefined],
      ] as const) {
        expect(refusal(await api.api(method, path, { ...viewer(), body }), 403)).toBe('INSUFFICIENT_PERMISSIONS');
      }
      expect((await api.api('GET', `/destinations/${queue.id}`, viewer())).status).toBe(200);
    });

    it("answers 404 for another org's destination on every route", async () => {
      for (const [method, path, body] of [
        ['GET', `/destinations/${queue.id}`, undefined],
        ['PATCH', `/destinations/${queue.id}`, { name: 'taken' }],
        ['PATCH', `/destinations/${queue.id}`, { isDefault: true }],
        ['DELETE', `/destinations/${queue.id}`, undefined],
      ] as const) {
        expect(refusal(await api.api(method, path, { ...as(stranger.accessToken), body }), 404)).toBe('NOT_FOUND');
      }
      const theirs = await api.api<DestinationListDto>('GET', '/destinations', as(stranger.accessToken));
      expect(theirs.body.items).toEqual([]);
      expect((await api.api<DestinationDto>('GET', `/destinations/${queue.id}`, viewer())).body.name).toBe(
        'Support queue',
      );
    });

    it('answers hostile bodies, paths and queries with 400 and the envelope', async () => {
      const hostile: unknown[] = [
        { name: 'x', kind: 'sip', uri: 'sip:a@b"/><Redirect>http://evil</Redirect><Dial>' },
        { name: 'x', kind: 'sip', uri: `sip:${'a'.repeat(200_000)}@pbx.example.com` },
        { name: 'x', kind: 'sip', uri: 'sip:a@b', sendDigits: '1' },
        { name: 'x', kind: 'phone', number: '+15550100100', sendDigits: '12a' },
        { name: 'x', kind: 'phone', number: '+15550100100', sendDigits: '1</Number><Number>+1900' },
        { name: 'x', kind: 'phone', number: '15550100100' },
        { name: 'x', kind: 'phone', number: '+15550100100', nested: { a: { b: { c: [{}] } } } },
        { name: ['x'], kind: 'phone', number: '+15550100100' },
        'just a string',
        null,
      ];
      for (const body of hostile) {
        const answer = await api.api('POST', '/destinations', { ...as(owner.accessToken), body });
        expect([JSON.stringify(body)?.slice(0, 80), refusal(answer, 400)]).toEqual([
          JSON.stringify(body)?.slice(0, 80),
          expect.stringMatching(/VALIDATION_ERROR|BAD_REQUEST/),
        ]);
      }
      const malformed = await api.api('POST', '/destinations', {
        ...as(owner.accessToken),
        rawBody: '{"name": "x",',
        headers: { 'content-type': 'application/json' },
      });
      refusal(malformed, 400);
      expect(refusal(await api.api('GET', '/destinations/not-a-uuid', as(owner.accessToken)), 400)).toBe(
        'VALIDATION_ERROR',
      );
      expect(refusal(await api.api('GET', '/destinations?limit=100000', as(owner.accessToken)), 400)).toBe(
        'VALIDATION_ERROR',
      );
      expect(refusal(await api.api('GET', '/destinations?cursor=%3Cscript%3E', as(owner.accessToken)), 400)).toBe(
        'VALIDATION_ERROR',
      );
      const patch = await api.api('PATCH', `/destinations/${queue.id}`, {
        ...as(owner.accessToken),
        body: { kind: 'sip' },
      });
      expect(refusal(patch, 400)).toBe('VALIDATION_ERROR');
      expect(refusal(await api.api('GET', '/destinations'), 401)).toEqual(expect.any(String));
    });
  });

  describe('targets', () => {
    let target: TargetDto;

    it('creates, lists, gets, patches and deletes a target with its script and calling hours', async () => {
      const created = await api.api<TargetDto>('POST', '/targets', {
        ...as(owner.accessToken),
        body: {
          name: 'Tax office',
          phoneNumber: '+15550100200',
          recommendedLines: 10,
          ivrScript: [
            { action: 'digits', digits: '1', afterMs: 0 },
            { action: 'wait', ms: 45000, jitterMs: 3000 },
            { action: 'digits', digits: '2', afterMs: 0 },
          ],
          callingHours: { timeZone: 'Europe/Berlin', windows: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }] },
        },
      });
      expect(created.status).toBe(201);
      target = created.body;
      expect(target).toMatchObject({ recommendedLines: 10, callingHours: { timeZone: 'Europe/Berlin' } });
      expect(target.ivrScript).toHaveLength(3);
      const listed = await api.api<TargetListDto>('GET', '/targets', viewer());
      expect(listed.body).toEqual({ items: [target], nextCursor: null });
      const patched = await api.api<TargetDto>('PATCH', `/targets/${target.id}`, {
        ...as(owner.accessToken),
        body: { recommendedLines: 70 },
      });
      expect(patched.body).toMatchObject({ recommendedLines: 70, name: 'Tax office' });
      expect((await api.api<TargetDto>('GET', `/targets/${target.id}`, viewer())).body.recommendedLines).toBe(70);
      const spare = await api.api<TargetDto>('POST', '/targets', {
        ...as(owner.accessToken),
        body: { name: 'Spare', phoneNumber: '+15550100201' },
      });
      expect(spare.body).toMatchObject({ ivrScript: [], recommendedLines: 6, callingHours: null });
      expect((await api.api('DELETE', `/targets/${spare.body.id}`, as(owner.accessToken))).status).toBe(200);
      expect(refusal(await api.api('GET', `/targets/${spare.body.id}`, viewer()), 404)).toBe('NOT_FOUND');
    });

    it('lets a viewer read but not write (403)', async () => {
      for (const [method, path, body] of [
        ['POST', '/targets', { name: 'x', phoneNumber: '+15550100200' }],
        ['PATCH', `/targets/${target.id}`, { name: 'mine' }],
        ['DELETE', `/targets/${target.id}`, undefined],
      ] as const) {
        expect(refusal(await api.api(method, path, { ...viewer(), body }), 403)).toBe('INSUFFICIENT_PERMISSIONS');
      }
    });

    it("answers 404 for another org's target on every route", async () => {
      for (const [method, path, body] of [
        ['GET', `/targets/${target.id}`, undefined],
        ['GET', `/targets/${target.id}/stats`, undefined],
        ['PATCH', `/targets/${target.id}`, { name: 'taken' }],
        ['DELETE', `/targets/${target.id}`, undefined],
      ] as const) {
        expect(refusal(await api.api(method, path, { ...as(stranger.accessToken), body }), 404)).toBe('NOT_FOUND');
      }
      expect((await api.api<TargetListDto>('GET', '/targets', as(stranger.accessToken))).body.items).toEqual([]);
    });

    it('answers hostile bodies with 400 and the envelope; digits outside 0-9*#w are refused', async () => {
      const base = { name: 'x', phoneNumber: '+15550100200' };
      const hostile: unknown[] = [
        { ...base, ivrScript: [{ action: 'digits', digits: '1<Hangup/>', afterMs: 0 }] },
        { ...base, ivrScript: [{ action: 'digits', digits: 'A', afterMs: 0 }] },
        { ...base, ivrScript: [{ action: 'digits', digits: '1', afterMs: 1e12 }] },
        { ...base, ivrScript: [{ action: 'say', text: 'hello' }] },
        { ...base, ivrScript: [[[[{ action: 'wait', ms: 1 }]]]] },
        { ...base, ivrScript: Array(1000).fill({ action: 'wait', ms: 1 }) },
        { ...base, ivrScript: { 0: { action: 'wait', ms: 1 } } },
        { ...base, recommendedLines: 71 },
        { ...base, callingHours: { timeZone: 'Not/AZone', windows: [{ days: [1], from: '08:00', to: '09:00' }] } },
        { ...base, callingHours: { timeZone: 'UTC', windows: [{ days: [9], from: '08:00', to: '09:00' }] } },
        { ...base, phoneNumber: `+1${'5'.repeat(50)}` },
      ];
      for (const body of hostile) {
        const answer = await api.api('POST', '/targets', { ...as(owner.accessToken), body });
        expect([JSON.stringify(body).slice(0, 80), refusal(answer, 400)]).toEqual([
          JSON.stringify(body).slice(0, 80),
          'VALIDATION_ERROR',
        ]);
      }
      expect(refusal(await api.api('GET', `/targets/${target.id}/stats?from=soon`, viewer()), 400)).toBe(
        'VALIDATION_ERROR',
      );
      expect(
        refusal(
          await api.api(
            'GET',
            `/targets/${target.id}/stats?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
            viewer(),
          ),
          400,
        ),
      ).toBe('VALIDATION_ERROR');
    });

    it('serves stats computed from the hunts and legs of the target, by hour of week in its zone', async () => {
      const data = orchestrator.app.get(DataSource);
      // Mondays 09:xx in Berlin (08:xx UTC in winter).
      for (const [at, status, humanAfterMs] of [
        ['2026-11-23T08:10:00Z', 'connected', 30_000],
        ['2026-11-30T08:20:00Z', 'connected', 90_000],
        ['2026-11-30T08:30:00Z', 'exhausted', null],
      ] as const) {
        const huntId = randomUUID();
        await data.query(
          `INSERT INTO orchestrator.hunts (id, org_id, target_id, phone_number, destination, provider_account_id,
             line_count, stagger_ms, max_duration_minutes, redial, detection, status, deadline_at, created_at)
           VALUES ($1, $2, $3, '+15550100200', '{"kind":"phone","number":"+15550100100"}', $4, 6, 1000, 120, '{}', '{}',
             $5, now(), $6)`,
          [huntId, orgId, target.id, randomUUID(), status, at],
        );
        await data.query(
          `INSERT INTO orchestrator.legs (id, org_id, hunt_id, line_id, attempt, status, started_at, human_at)
           VALUES ($1, $2, $3, $4, 1, 'ended', $5, $6)`,
          [
            randomUUID(),
            orgId,
            huntId,
            randomUUID(),
            at,
            humanAfterMs === null ? null : new Date(Date.parse(at) + humanAfterMs),
          ],
        );
      }
      const stats = await api.api<TargetStatsDto>(
        'GET',
        `/targets/${target.id}/stats?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z`,
        viewer(),
      );
      expect(stats.status).toBe(200);
      expect(stats.body).toMatchObject({
        timeZone: 'Europe/Berlin',
        hunts: 3,
        finished: 3,
        connected: 2,
        successRate: 2 / 3,
        timeToHuman: { samples: 2, p50Ms: 60_000, p90Ms: 84_000 },
        byHourOfWeek: [{ day: 1, hour: 9, hunts: 3, connected: 2 }],
      });
    });
  });

  it('documents the routes in OpenAPI, with the IVR steps as their own schemas', async () => {
    const doc = await api.call<{ paths: Record<string, Record<string, unknown>>; components: { schemas: object } }>(
      'GET',
      '/api/docs-json',
    );
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/destinations',
        '/api/v1/destinations/{id}',
        '/api/v1/targets',
        '/api/v1/targets/{id}',
        '/api/v1/targets/{id}/stats',
      ]),
    );
    expect(Object.keys(doc.body.paths['/api/v1/destinations/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.body.components.schemas)).toEqual(
      expect.arrayContaining([
        'IvrDigitsStepDto',
        'IvrWaitStepDto',
        'IvrExpectStepDto',
        'CreateTargetDto',
        'TargetStatsDto',
      ]),
    );
  });
});
