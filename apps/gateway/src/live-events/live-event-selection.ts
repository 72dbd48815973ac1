import { ErrorCode, type EventEnvelope, Streams } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';

/**
 * What a frontend may watch: one family per stream, each one filter subject on EVENTS (nats-server
 * 2.9 takes one filter per consumer, and one consumer keeps the stream's order, so `Last-Event-ID`
 * resumes exactly). Auth's, the recordings' or anything else on EVENTS is never read for a browser:
 * the broker lets the gateway create consumers on these filters only (gateway.definition.ts `follows`).
 */
export const LIVE_EVENT_FAMILIES = {
  hunts: 'events.hunts.v1.>',
  calls: 'events.calls.v1.>',
  media: 'events.media.v1.live-human-detected',
} as const;

export type LiveEventFamily = keyof typeof LIVE_EVENT_FAMILIES;

export const LIVE_EVENT_FOLLOWS = Object.values(LIVE_EVENT_FAMILIES).map((subject) => ({
  stream: Streams.EVENTS.name,
  subject,
}));

/** What one connection receives. */
export interface LiveEventSelection {
  family: LiveEventFamily;
  /** The filter subject its consumer reads. */
  subject: string;
  /** Exact event types within the family, when only some are wanted; null: all of the family. */
  types: ReadonlySet<string> | null;
  huntId: string | null;
  /** Only one call's events (`data.callId`: single calls' `events.calls.v1.*`, media's), or all. */
  callId: string | null;
}

/** `types=` items: a family name, or an exact event type (`events.hunts.v1.won`). */
const EVENT_TYPE = /^events\.[a-z0-9-]{1,40}\.v[0-9]{1,3}\.[a-z0-9-]{1,60}$/;
const MAX_TYPES = 20;

function invalid(field: string, problem: string): AppException {
  return new AppException(ErrorCode.VALIDATION_ERROR, 'Validation failed', {
    fields: [{ field, problems: [problem] }],
  });
}

function familyOfType(type: string): LiveEventFamily | undefined {
  return (Object.keys(LIVE_EVENT_FAMILIES) as LiveEventFamily[]).find((family) => {
    const filter = LIVE_EVENT_FAMILIES[family];
    return filter.endsWith('.>') ? type.startsWith(filter.slice(0, -1)) : type === filter;
  });
}

/**
 * The connection's selection from its query: `types` (comma list, all of one family; default
 * `hunts`), `huntId` and `callId`. Anything else is a 400, never a consumer on a filter nobody declared.
 */
export function liveEventSelection(query: { types?: string; huntId?: string; callId?: string }): LiveEventSelection {
  const items = (query.types ?? 'hunts')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (items.length === 0 || items.length > MAX_TYPES)
    throw invalid('types', `list 1 to ${MAX_TYPES} families or event types`);
  const families = new Set<LiveEventFamily>();
  const types = new Set<string>();
  for (const item of items) {
    if (item in LIVE_EVENT_FAMILIES) {
      families.add(item as LiveEventFamily);
      continue;
    }
    const family = EVENT_TYPE.test(item) ? familyOfType(item) : undefined;
    if (!family)
      throw invalid(
        'types',
        `${item.slice(0, 80)} is neither ${Object.keys(LIVE_EVENT_FAMILIES).join(', ')} nor one of their event types`,
      );
    families.add(family);
    types.add(item);
  }
  if (families.size > 1)
    throw invalid('types', 'one family per stream (hunts, calls or media): open one stream for each');
  const [family] = families;
  // A family named outright takes all its types, whatever else was listed.
  const wholeFamily = items.includes(family);
  return {
    family,
    subject: LIVE_EVENT_FAMILIES[family],
    types: wholeFamily ? null : types,
    huntId: query.huntId ?? null,
    callId: query.callId ?? null,
  };
}

/** `Last-Event-ID`: the stream sequence of the last event the client saw (digits only). */
export function lastEventIdOf(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.at(-1) : header;
  if (value === undefined || value === '') return undefined;
  if (!/^[0-9]{1,15}$/.test(value)) throw invalid('Last-Event-ID', 'must be the id of an event received (digits)');
  return Number(value);
}

/**
 * Whether a stored message goes to a connection of `orgId`: only an event of the caller's org (an
 * event of no org, or unreadable, goes to nobody), of the selected types, hunt and call.
 */
export function deliversTo(
  envelope: Partial<EventEnvelope<unknown>> | null,
  orgId: string,
  selection: LiveEventSelection,
): boolean {
  if (!envelope || typeof envelope !== 'object' || envelope.orgId !== orgId) return false;
  if (selection.types && !selection.types.has(String(envelope.type))) return false;
  const data = envelope.data as { huntId?: unknown; callId?: unknown } | null | undefined;
  const wanted = (field: 'huntId' | 'callId') =>
    !selection[field] || (typeof data === 'object' && data !== null && data[field] === selection[field]);
  if (!wanted('huntId') || !wanted('callId')) return false;
  return true;
}
