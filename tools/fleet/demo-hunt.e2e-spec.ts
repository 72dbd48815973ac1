import type { HuntDto, LegDto, TokenPairDto } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { SseClient } from '../../apps/gateway/test/sse-client';
import type { SimCall } from '../../apps/telephony-sim/src/calls/sim-call';
import { BuiltFleet } from './test/built-fleet';

/** The simulator's hunting line: each call gets its own seeded outcome, mostly IVR, hold, then a person. */
const HUNTING_NUMBER = '+15550000010';
/** A destination that rings 3 s and answers (apps/telephony-sim/README.md, "Destinations"). */
const QUEUE_NUMBER = '+15550001100';

interface BridgeRecord {
  callSid: string;
  destination: { value?: string };
  answeredAt?: string;
  current: boolean;
}

/**
 * The README's demo hunt, as a newcomer runs it: `npm start`'s fleet (built, its own broker, every
 * service, the simulator), then only the public API: register, sync the dev account's lines, make a
 * default destination, start a 6-line hunt against the hunting number with "press 1 at answer, wait
 * ~45 s, press 2" (time-scaled here), watch it over SSE until the one line with a person is handed
 * to the destination. The simulator's admin API is where a user would look at the far ends.
 */
describe("the demo hunt on npm start's fleet, through the API", () => {
  let fleet: BuiltFleet;

  beforeAll(async () => {
    // Holds of 10-25 s instead of the demo's 30-90 s, and a script whose wait is 4.5 s, not 45 s.
    fleet = await BuiltFleet.start({ SIM_DEV_HOLD_MIN_SECONDS: '10', SIM_DEV_HOLD_MAX_SECONDS: '25' });
  }, 300_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it('hands the first line with a person to the destination, ends every other leg within a second, frees every line, and streams it all in order', async () => {
    const registered = await fleet.api<TokenPairDto>('POST', '/auth/register', {
      body: {
        email: `demo-${Date.now()}@example.com`,
        password: 'correct horse battery staple',
        name: 'Ada',
        organizationName: 'Engines',
      },
    });
    expect(registered.status).toBe(201);
    const token = registered.body.accessToken;
    // The org's dev account on the simulator comes with the org (made as the org-created event arrives).
    const account = await waitFor(
      async () =>
        (await fleet.api<{ items: { id: string }[] }>('GET', '/provider-accounts', { token })).body.items?.[0],
      15_000,
      "the org's simulator account",
    );
    const synced = await fleet.api<{ added: number }>('POST', '/lines/sync', {
      token,
      body: { providerAccountId: account.id },
    });
    expect(synced.status).toBe(200);
    expect(synced.body.added).toBeGreaterThanOrEqual(6);
    const destination = await fleet.api('POST', '/destinations', {
      token,
      body: { name: 'Front desk queue', kind: 'phone', number: QUEUE_NUMBER, isDefault: true },
    });
    expect(destination.status).toBe(201);

    const events = await SseClient.open(`${fleet.apiUrl}/events`, { authorization: `Bearer ${token}` });
    expect(events.status).toBe(200);
    const created = await fleet.api<HuntDto>('POST', '/hunts', {
      token,
      body: {
        phoneNumber: HUNTING_NUMBER,
        lines: 6,
        ivrScript: [
          { action: 'digits', digits: '1', afterMs: 1000 },
          { action: 'wait', ms: 4500, jitterMs: 300 },
          { action: 'digits', digits: '2', afterMs: 0 },
        ],
      },
    });
    expect(created.status).toBe(201);
    const huntId = created.body.id;

    // Watched as a frontend watches it: over SSE, until the hunt is over one way or another.
    const final = await waitFor(
      async () =>
        events
          .events()
          .find(
            (e) =>
              e.envelope.data.huntId === huntId && /\.(connected|failed|exhausted|cancelled)$/.test(e.envelope.type),
          ),
      240_000,
      'the hunt over',
    );
    const connected = (await fleet.api<HuntDto>('GET', `/hunts/${huntId}`, { token })).body;
    expect({ event: final.envelope.type, status: connected.status }).toEqual({
      event: 'events.hunts.v1.connected',
      status: 'connected',
    });

    // One winner, bridged to the destination, the person who answered kept on the line.
    const winner = connected.legs.find((l) => l.id === connected.winnerLegId) as LegDto;
    expect(winner.status).toBe('connected');
    const bridges = (await fleet.simAdmin<{ items: BridgeRecord[] }>('/bridges')).items;
    const answered = bridges.filter((b) => b.answeredAt !== undefined);
    expect(answered.map((b) => b.callSid)).toEqual([winner.providerCallId]);
    expect(answered[0].destination.value).toBe(QUEUE_NUMBER);
    const winnerCall = await fleet.simAdmin<SimCall>(`/calls/${winner.providerCallId}`);
    expect(winnerCall.digitsReceived.join('')).toBe('12');
    // Decided from the audio (auto mode, media-stream's detector), on a call where a person did come on.
    expect(winner.detection?.decidedBy).toBe('media');
    expect(winnerCall.mediaStreams[0]?.scenarioHasLiveHuman).toBe(true);
    expect(winnerCall.mediaStreams[0]?.liveHumanAtMs).toEqual(expect.any(Number));

    // Every other leg is over, and was ended within a second of the win.
    const wonEvent = await waitFor(
      async () =>
        events.events().find((e) => e.envelope.type === 'events.hunts.v1.won' && e.envelope.data.huntId === huntId),
      10_000,
      'the won event',
    );
    const wonAt = Date.parse((wonEvent.envelope as unknown as { occurredAt: string }).occurredAt);
    const others = connected.legs.filter((l) => l.id !== winner.id);
    for (const leg of others) {
      expect(['ended', 'failed']).toContain(leg.status);
      const endedAt = Date.parse(leg.endedAt ?? '');
      // Legs that were still live at the win; those over before it ended for their own reasons.
      if (leg.endReason === 'lost-race') expect(endedAt - wonAt).toBeLessThanOrEqual(1000);
    }
    for (const leg of others.filter((l) => l.providerCallId)) {
      await waitFor(
        async () => (await fleet.simAdmin<SimCall>(`/calls/${leg.providerCallId}`)).status !== 'in-progress',
        10_000,
        `the far end of ${leg.id} hung up`,
      );
    }

    // Every line is free again.
    const held = await fleet.api<{ items: unknown[] }>('GET', '/lines?available=false&limit=100', { token });
    const inUse = (await fleet.api<{ items: { inUse: unknown }[] }>('GET', '/lines?limit=100', { token })).body.items;
    expect(inUse.filter((l) => l.inUse !== null)).toEqual([]);
    expect(held.status).toBe(200);

    // The hunt's events arrived over SSE in order, each once.
    await waitFor(
      async () => events.events().some((e) => e.envelope.type === 'events.hunts.v1.connected'),
      10_000,
      'the connected event over SSE',
    );
    const ours = events.events().filter((e) => e.envelope.data.huntId === huntId);
    const ids = ours.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ours.map((e) => e.envelope.id)).size).toBe(ours.length);
    const types = ours.map((e) => e.envelope.type.replace('events.hunts.v1.', ''));
    expect(types[0]).toBe('created');
    const order = ['human-detected', 'won', 'transfer-started', 'connected'].map((t) => types.indexOf(t));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    events.close();
    expect(fleet.errorLines()).toEqual([]);
  }, 360_000);
});
