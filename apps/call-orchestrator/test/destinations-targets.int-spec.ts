import { randomUUID } from 'node:crypto';
import type {
  DestinationDto,
  DestinationListDto,
  TargetDto,
  TargetListDto,
  TargetStatsDto,
} from '@callfleet/contracts';
import {
  type FleetAnswer,
  type FleetRequestCaller,
  fleetRequest,
  plainNatsClient,
  startTestService,
  TestDatabase,
  testNamespace,
} from '@callfleet/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { callOrchestratorService } from '../src/call-orchestrator.definition';
import { DestinationsService } from '../src/destinations/destinations.service';
import { TargetsService } from '../src/targets/targets.service';

type Service = Awaited<ReturnType<typeof startTestService>>;

/** The orchestrator's destinations and targets commands on real NATS and PostgreSQL, as the gateway sends them. */
describe('call-orchestrator: destinations and targets commands', () => {
  let db: TestDatabase;
  let service: Service;
  let nc: NatsConnection;
  let namespace: string;
  const orgA = randomUUID();
  const orgB = randomUUID();
  const admin: FleetRequestCaller = { orgId: orgA, roles: ['admin'] };
  const viewer: FleetRequestCaller = { orgId: orgA, roles: ['viewer'] };
  const stranger: FleetRequestCaller = { orgId: orgB, roles: ['owner'] };

  const send = <T>(subject: string, body: unknown, caller: FleetRequestCaller): Promise<FleetAnswer<T>> =>
    fleetRequest<T>(nc, namespace, subject, body, caller);

  async function ok<T>(subject: string, body: unknown, caller: FleetRequestCaller = admin): Promise<T> {
    const answer = await send<T>(subject, body, caller);
    if (!answer.ok) throw new Error(`${subject} failed: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  async function refused(subject: string, body: unknown, caller: FleetRequestCaller) {
    const answer = await send(subject, body, caller);
    if (answer.ok) throw new Error(`${subject} answered ${JSON.stringify(answer.body)}`);
    return { status: answer.status, code: answer.body.code, details: answer.body.details };
  }

  beforeAll(async () => {
    namespace = testNamespace();
    db = await TestDatabase.create();
    service = await startTestService(callOrchestratorService, { namespace, databaseUrl: db.url });
    nc = await plainNatsClient();
  });

  afterAll(async () => {
    await nc?.close();
    await service?.close();
    await db?.drop();
  });

  describe('destinations', () => {
    let queue: DestinationDto;
    let pbx: DestinationDto;

    it('tells a hunt there is no default before the org has a destination', async () => {
      await expect(service.app.get(DestinationsService).resolve(orgA)).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
        message: expect.stringContaining('No default destination'),
      });
    });

    it('creates a phone destination with digits (the first is the default) and a SIP one', async () => {
      queue = await ok<DestinationDto>('destinations.v1.create', {
        name: 'Support queue',
        kind: 'phone',
        number: '+15550100100',
        sendDigits: 'ww12#',
      });
      expect(queue).toMatchObject({ kind: 'phone', number: '+15550100100', sendDigits: 'ww12#', uri: null });
      expect(queue.isDefault).toBe(true);
      pbx = await ok<DestinationDto>('destinations.v1.create', {
        name: 'PBX desk',
        kind: 'sip',
        uri: 'sips:desk@pbx.example.com:5061;transport=tls',
      });
      expect(pbx).toMatchObject({ kind: 'sip', uri: 'sips:desk@pbx.example.com:5061;transport=tls', isDefault: false });
      expect(await service.app.get(DestinationsService).resolve(orgA)).toEqual({
        id: queue.id,
        kind: 'phone',
        number: '+15550100100',
        sendDigits: 'ww12#',
      });
      expect(await service.app.get(DestinationsService).resolve(orgA, pbx.id)).toEqual({
        id: pbx.id,
        kind: 'sip',
        uri: 'sips:desk@pbx.example.com:5061;transport=tls',
      });
    });

    it('moves the default: exactly one per org, the old one unset in the same transaction', async () => {
      const moved = await ok<DestinationDto>('destinations.v1.update', { id: pbx.id, isDefault: true });
      expect(moved.isDefault).toBe(true);
      expect((await ok<DestinationDto>('destinations.v1.get', { id: queue.id })).isDefault).toBe(false);
      const third = await ok<DestinationDto>('destinations.v1.create', {
        name: 'Night line',
        kind: 'phone',
        number: '+15550100199',
        isDefault: true,
      });
      const page = await ok<DestinationListDto>('destinations.v1.list', {}, viewer);
      expect(page.items.filter((d) => d.isDefault).map((d) => d.id)).toEqual([third.id]);
      expect((await service.app.get(DestinationsService).resolve(orgA)).id).toBe(third.id);
    });

    it('keeps one default when many requests make different destinations the default at once', async () => {
      const candidates = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          ok<DestinationDto>('destinations.v1.create', { name: `race ${i}`, kind: 'phone', number: `+1555020000${i}` }),
        ),
      );
      const answers = await Promise.all(
        candidates.map((d) => send<DestinationDto>('destinations.v1.update', { id: d.id, isDefault: true }, admin)),
      );
      expect(answers.every((a) => a.ok)).toBe(true);
      const rows: { n: number }[] = await service.app
        .get(DataSource)
        .query('SELECT count(*)::int AS n FROM orchestrator.destinations WHERE org_id = $1 AND is_default', [orgA]);
      expect(rows[0].n).toBe(1);
      for (const d of candidates) await ok('destinations.v1.delete', { id: d.id });
    });

    it('pages with a cursor, oldest first', async () => {
      const first = await ok<DestinationListDto>('destinations.v1.list', { limit: 2 }, viewer);
      expect(first.items.map((d) => d.id)).toEqual([queue.id, pbx.id]);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await ok<DestinationListDto>('destinations.v1.list', { limit: 2, cursor: first.nextCursor });
      expect(second.items.map((d) => d.name)).toEqual(['Night line']);
      expect(second.nextCursor).toBeNull();
      expect(await refused('destinations.v1.list', { cursor: 'bm90LWEtY3Vyc29y' }, viewer)).toMatchObject({
        status: 400,
        code: 'VALIDATION_ERROR',
      });
    });

    it('switches kind with the new fields, and refuses a patch that leaves it incomplete', async () => {
      const sip = await ok<DestinationDto>('destinations.v1.update', {
        id: queue.id,
        kind: 'sip',
        uri: 'sip:queue@pbx.example.com',
      });
      expect(sip).toMatchObject({ kind: 'sip', number: null, sendDigits: null, uri: 'sip:queue@pbx.example.com' });
      expect(await refused('destinations.v1.update', { id: queue.id, kind: 'phone' }, admin)).toMatchObject({
        status: 400,
        code: 'VALIDATION_ERROR',
      });
      const back = await ok<DestinationDto>('destinations.v1.update', {
        id: queue.id,
        kind: 'phone',
        number: '+15550100100',
        sendDigits: '1',
      });
      expect(back).toMatchObject({ kind: 'phone', number: '+15550100100', sendDigits: '1', uri: null });
    });

    it('refuses hostile bodies with VALIDATION_ERROR', async () => {
      const hostile: unknown[] = [
        { name: 'x', kind: 'sip', uri: 'sip:a@b"/><Hangup/><Dial>' },
        { name: 'x', kind: 'sip', uri: `sip:${'a'.repeat(5000)}@b.example` },
        { name: 'x', kind: 'sip', uri: 'http://example.com' },
        { name: 'x', kind: 'sip', uri: 'sip:a@b', number: '+15550100100' },
        { name: 'x', kind: 'phone', number: '+15550100100', sendDigits: '1<Play>' },
        { name: 'x', kind: 'phone', number: '5550100' },
        { name: 'x', kind: 'phone', number: '+15550100100', uri: 'sip:a@b' },
        { name: 'x', kind: 'phone' },
        { name: 'x', kind: 'fax', number: '+15550100100' },
        { name: 'x'.repeat(101), kind: 'phone', number: '+15550100100' },
        { name: 'x', kind: 'phone', number: '+15550100100', isDefault: 'yes' },
        { name: 'x', kind: 'phone', number: '+15550100100', extra: { nested: [1, 2, { deep: true }] } },
        { name: { $gt: '' }, kind: 'phone', number: '+15550100100' },
        { name: 'x\u0000y', kind: 'phone', number: '+15550100100' },
        [],
      ];
      for (const body of hostile) {
        expect(await refused('destinations.v1.create', body, admin)).toMatchObject({
          status: 400,
          code: 'VALIDATION_ERROR',
        });
      }
      expect(await refused('destinations.v1.update', { id: pbx.id, uri: 'sip:a@b&c' }, admin)).toMatchObject({
        status: 400,
      });
      expect(await refused('destinations.v1.get', { id: 'not-a-uuid' }, admin)).toMatchObject({ status: 400 });
      expect(await refused('destinations.v1.create', '{"name":', admin)).toMatchObject({ status: 400 });
    });

    it('lets a viewer read but not write', async () => {
      expect((await ok<DestinationDto>('destinations.v1.get', { id: pbx.id }, viewer)).id).toBe(pbx.id);
      for (const [subject, body] of [
        ['destinations.v1.create', { name: 'x', kind: 'phone', number: '+15550100100' }],
        ['destinations.v1.update', { id: pbx.id, name: 'mine' }],
        ['destinations.v1.delete', { id: pbx.id }],
      ] as const) {
        expect(await refused(subject, body, viewer)).toMatchObject({ status: 403, code: 'INSUFFICIENT_PERMISSIONS' });
      }
      expect(
        await refused(
          'destinations.v1.create',
          { name: 'x', kind: 'phone', number: '+15550100100' },
          {
            orgId: orgA,
            roles: ['agent'],
          },
        ),
      ).toMatchObject({ status: 403 });
    });

    it("answers NOT_FOUND for another org's destination on every command, and resolves none of it", async () => {
      for (const [subject, body] of [
        ['destinations.v1.get', { id: pbx.id }],
        ['destinations.v1.update', { id: pbx.id, name: 'taken' }],
        ['destinations.v1.update', { id: pbx.id, isDefault: true }],
        ['destinations.v1.delete', { id: pbx.id }],
      ] as const) {
        expect(await refused(subject, body, stranger)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      }
      expect((await ok<DestinationListDto>('destinations.v1.list', {}, stranger)).items).toEqual([]);
      await expect(service.app.get(DestinationsService).resolve(orgB, pbx.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(service.app.get(DestinationsService).resolve(orgB)).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
      expect((await ok<DestinationDto>('destinations.v1.get', { id: pbx.id })).name).toBe('PBX desk');
    });

    it('deletes, and the deleted one is NOT_FOUND after', async () => {
      expect(await ok('destinations.v1.delete', { id: pbx.id })).toEqual({ ok: true });
      expect(await refused('destinations.v1.get', { id: pbx.id }, admin)).toMatchObject({ status: 404 });
      expect(await refused('destinations.v1.delete', { id: pbx.id }, admin)).toMatchObject({ status: 404 });
    });
  });

  describe('targets', () => {
    let target: TargetDto;
    const script = [
      { action: 'digits', digits: '1', afterMs: 0 },
      { action: 'wait', ms: 45000, jitterMs: 3000 },
      { action: 'expect', kind: 'music', timeoutMs: 30000 },
      { action: 'digits', digits: '2', afterMs: 500, jitterMs: 100 },
    ];
    const hours = { timeZone: 'America/New_York', windows: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }] };

    it('creates a target with its script, line count and calling hours; defaults the rest', async () => {
      target = await ok<TargetDto>('targets.v1.create', {
        name: 'Tax office',
        phoneNumber: '+15550100200',
        ivrScript: script,
        recommendedLines: 12,
        callingHours: hours,
      });
      expect(target).toMatchObject({ phoneNumber: '+15550100200', ivrScript: script, recommendedLines: 12 });
      expect(target.callingHours).toEqual(hours);
      const plain = await ok<TargetDto>('targets.v1.create', { name: 'Plain', phoneNumber: '+15550100201' });
      expect(plain).toMatchObject({ ivrScript: [], recommendedLines: 6, callingHours: null });
      const entity = await service.app.get(TargetsService).get(orgA, target.id);
      expect(entity.ivrScript).toEqual(script);
      await expect(service.app.get(TargetsService).get(orgB, target.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('patches fields one by one, and removes calling hours with null', async () => {
      const patched = await ok<TargetDto>('targets.v1.update', { id: target.id, recommendedLines: 70, ivrScript: [] });
      expect(patched).toMatchObject({ recommendedLines: 70, ivrScript: [], name: 'Tax office' });
      expect(patched.callingHours).toEqual(hours);
      const open = await ok<TargetDto>('targets.v1.update', { id: target.id, callingHours: null });
      expect(open.callingHours).toBeNull();
      await ok('targets.v1.update', { id: target.id, callingHours: hours, ivrScript: script });
    });

    it('pages with a cursor', async () => {
      const first = await ok<TargetListDto>('targets.v1.list', { limit: 1 }, viewer);
      expect(first.items.map((t) => t.id)).toEqual([target.id]);
      const second = await ok<TargetListDto>('targets.v1.list', { limit: 1, cursor: first.nextCursor }, viewer);
      expect(second.items.map((t) => t.name)).toEqual(['Plain']);
      expect(second.nextCursor).toBeNull();
    });

    it('refuses hostile bodies with VALIDATION_ERROR', async () => {
      const base = { name: 'x', phoneNumber: '+15550100200' };
      const hostile: unknown[] = [
        { ...base, recommendedLines: 0 },
        { ...base, recommendedLines: 71 },
        { ...base, recommendedLines: 6.5 },
        { ...base, phoneNumber: '+1 555 0100' },
        { ...base, ivrScript: [{ action: 'digits', digits: '1; DROP TABLE', afterMs: 0 }] },
        { ...base, ivrScript: [{ action: 'digits', digits: '<Say>hi</Say>', afterMs: 0 }] },
        { ...base, ivrScript: [{ action: 'wait', ms: 86_400_000 }] },
        { ...base, ivrScript: [{ action: 'wait', ms: 1, nested: { junk: [1] } }] },
        { ...base, ivrScript: [null] },
        { ...base, ivrScript: Array(51).fill({ action: 'wait', ms: 1 }) },
        { ...base, callingHours: { timeZone: 'Mars/Olympus', windows: [{ days: [1], from: '09:00', to: '10:00' }] } },
        { ...base, callingHours: { timeZone: '+02:00', windows: [{ days: [1], from: '09:00', to: '10:00' }] } },
        { ...base, callingHours: { timeZone: 'UTC', windows: [] } },
        { ...base, callingHours: { timeZone: 'UTC', windows: [{ days: [0, 8], from: '09:00', to: '10:00' }] } },
        { ...base, callingHours: { timeZone: 'UTC', windows: [{ days: [1], from: '9:00', to: '25:00' }] } },
        { ...base, callingHours: { timeZone: 'UTC', windows: [{ days: [1], from: '09:00', to: '09:00' }] } },
        { ...base, callingHours: { timeZone: 'UTC', windows: [{ days: [1, 1], from: '09:00', to: '10:00' }] } },
        { ...base, callingHours: { timeZone: 'UTC', windows: [{ days: [1], from: '09:00', to: '10:00', x: 1 }] } },
        { ...base, callingHours: 'always' },
        { ...base, name: 'y'.repeat(100_000) },
      ];
      for (const body of hostile) {
        expect({
          body: JSON.stringify(body).slice(0, 200),
          ...(await refused('targets.v1.create', body, admin)),
        }).toMatchObject({
          status: 400,
          code: 'VALIDATION_ERROR',
        });
      }
    });

    it("lets a viewer read (and see stats) but not write, and answers NOT_FOUND for another org's target", async () => {
      expect((await ok<TargetDto>('targets.v1.get', { id: target.id }, viewer)).id).toBe(target.id);
      expect((await ok<TargetStatsDto>('targets.v1.stats', { id: target.id }, viewer)).hunts).toBe(0);
      for (const [subject, body] of [
        ['targets.v1.create', { name: 'x', phoneNumber: '+15550100200' }],
        ['targets.v1.update', { id: target.id, name: 'mine' }],
        ['targets.v1.delete', { id: target.id }],
      ] as const) {
        expect(await refused(subject, body, viewer)).toMatchObject({ status: 403, code: 'INSUFFICIENT_PERMISSIONS' });
      }
      for (const [subject, body] of [
        ['targets.v1.get', { id: target.id }],
        ['targets.v1.update', { id: target.id, name: 'taken' }],
        ['targets.v1.delete', { id: target.id }],
        ['targets.v1.stats', { id: target.id }],
      ] as const) {
        expect(await refused(subject, body, stranger)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      }
      expect((await ok<TargetListDto>('targets.v1.list', {}, stranger)).items).toEqual([]);
    });

    it('computes stats from seeded hunts and legs, by hour of week in the target zone', async () => {
      const data = service.app.get(DataSource);
      // Two Mondays at 10:xx New York time (15:xx UTC), one Wednesday 14:xx (19:xx UTC); another org's hunt too.
      const seeds = [
        { at: '2026-11-23T15:05:00Z', status: 'connected', humanAfterSec: [40, 90] },
        { at: '2026-11-30T15:40:00Z', status: 'failed', humanAfterSec: [120] },
        { at: '2026-11-30T15:50:00Z', status: 'exhausted', humanAfterSec: [] },
        { at: '2026-11-25T19:10:00Z', status: 'connected', humanAfterSec: [60] },
        { at: '2026-11-25T19:20:00Z', status: 'running', humanAfterSec: [] },
      ];
      const seedHunt = async (orgId: string, seed: (typeof seeds)[number]) => {
        const huntId = randomUUID();
        const start = new Date(seed.at);
        await data.query(
          `INSERT INTO orchestrator.hunts (id, org_id, target_id, phone_number, destination, provider_account_id,
             line_count, stagger_ms, max_duration_minutes, redial, detection, status, deadline_at, created_at, won_at)
           VALUES ($1, $2, $3, '+15550100200', '{"kind":"phone","number":"+15550100100"}', $4, 6, 1000, 120, '{}', '{}',
             $5, $6::timestamptz + interval '2 hours', $6, $7)`,
          [
            huntId,
            orgId,
            target.id,
            randomUUID(),
            seed.status,
            start,
            seed.status === 'connected' ? new Date(start.getTime() + seed.humanAfterSec[0] * 1000 + 500) : null,
          ],
        );
        for (const [i, after] of [...seed.humanAfterSec, null].entries()) {
          await data.query(
            `INSERT INTO orchestrator.legs (id, org_id, hunt_id, line_id, attempt, status, started_at, human_at)
             VALUES ($1, $2, $3, $4, 1, 'ended', $5, $6)`,
            [
              randomUUID(),
              orgId,
              huntId,
              randomUUID(),
              new Date(start.getTime() + i * 1000),
              after === null ? null : new Date(start.getTime() + after * 1000),
            ],
          );
        }
      };
      for (const seed of seeds) await seedHunt(orgA, seed);
      await seedHunt(orgB, seeds[0]);
      // Before the period: not counted.
      await seedHunt(orgA, { ...seeds[0], at: '2026-01-05T15:00:00Z' });

      const stats = await ok<TargetStatsDto>(
        'targets.v1.stats',
        { id: target.id, from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
        viewer,
      );
      expect(stats).toMatchObject({
        targetId: target.id,
        timeZone: 'America/New_York',
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        hunts: 5,
        finished: 4,
        connected: 2,
        successRate: 0.5,
        // First person per hunt: 40 s, 120 s, 60 s.
        timeToHuman: { samples: 3, p50Ms: 60_000, p90Ms: 108_000 },
      });
      expect(stats.byHourOfWeek).toEqual([
        {
          day: 1,
          hour: 10,
          hunts: 3,
          connected: 1,
          successRate: 1 / 3,
          timeToHuman: { samples: 2, p50Ms: 80_000, p90Ms: 112_000 },
        },
        {
          day: 3,
          hour: 14,
          hunts: 2,
          connected: 1,
          successRate: 1,
          timeToHuman: { samples: 1, p50Ms: 60_000, p90Ms: 60_000 },
        },
      ]);
      const utc = await ok<TargetStatsDto>('targets.v1.update', { id: target.id, callingHours: null }).then(() =>
        ok<TargetStatsDto>('targets.v1.stats', {
          id: target.id,
          from: '2026-11-01T00:00:00Z',
          to: '2026-12-01T00:00:00Z',
        }),
      );
      expect(utc.timeZone).toBe('UTC');
      expect(utc.byHourOfWeek.map((h) => [h.day, h.hour, h.hunts])).toEqual([
        [1, 15, 3],
        [3, 19, 2],
      ]);
      expect(
        await refused(
          'targets.v1.stats',
          { id: target.id, from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' },
          viewer,
        ),
      ).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
      expect(await refused('targets.v1.stats', { id: target.id, from: 'yesterday' }, viewer)).toMatchObject({
        status: 400,
      });
    });

    it('deletes a target', async () => {
      expect(await ok('targets.v1.delete', { id: target.id })).toEqual({ ok: true });
      expect(await refused('targets.v1.get', { id: target.id }, admin)).toMatchObject({ status: 404 });
    });
  });
});
