/**
 * What the drill measured, and its verdict: pure functions over the records of the traffic and what
 * was found stored afterwards, so each rule is tested on its own (drill-report.spec.ts).
 */

/** One line of the deliveries table: what clients sent, what the fleet acknowledged, and what it kept. */
export interface DeliveryRow {
  what: string;
  sent: number;
  /** Answered 2xx (the client was told it is done). */
  acknowledged: number;
  /** Found where it must be afterwards (for webhooks, in the INGRESS stream); undefined for reads. */
  stored?: number;
  /** A second place it is kept, informational (the ingest table, which may lag the stream). */
  storedAlso?: { where: string; count: number };
  /** Kept more than once (processed twice). */
  duplicated: number;
  /** Acknowledged, yet not kept (or, for a read, answered without what it must show). */
  lost: number;
  /** What the refused ones got, most frequent first ("503×4 timeout×1"). */
  refusals?: string;
}

/** A process the drill killed and how long it took to serve again. */
export interface RecoveryRow {
  what: string;
  /** How it was hurt: "SIGKILL, restarted at once", "SIGKILL, down 5.0 s"... */
  how: string;
  /** When, from the start of the traffic. */
  atMs: number;
  /** From its (re)start to /health/ready (or /healthz) 200; undefined when it never got there. */
  readyAfterMs?: number;
}

export interface OutageRow {
  traffic: string;
  /** The longest time between two successes (or the traffic's start/end and one) a client saw. */
  longestGapMs: number;
  /** When that gap began, from the start of the traffic (to match it with the faults' times). */
  gapFromMs: number;
}

export interface DrillReport {
  deliveries: DeliveryRow[];
  recoveries: RecoveryRow[];
  outages: OutageRow[];
  durationMs: number;
}

/** Counts per key (a call's sid, an email) of what was found stored. */
export type StoredCounts = ReadonlyMap<string, number>;

/** "503×4 timeout×1": how often each answer other than a success came, most frequent first. */
export function refusalSummary(statuses: readonly (number | string)[]): string {
  const counts = new Map<string, number>();
  for (const status of statuses) counts.set(String(status), (counts.get(String(status)) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
}

/**
 * A tally of keyed writes: every sent key, whether it was acknowledged, and how often it was stored.
 * Duplicates count among everything sent (a refused request processed twice is still twice); losses
 * only among the acknowledged ones (a request refused and not kept is the client's to send again).
 */
export function tallyWrites(
  what: string,
  sent: readonly { key: string; acknowledged: boolean }[],
  stored: StoredCounts,
  storedAlso?: { where: string; counts: StoredCounts },
): DeliveryRow {
  const found = (key: string) => stored.get(key) ?? 0;
  return {
    what,
    sent: sent.length,
    acknowledged: sent.filter((s) => s.acknowledged).length,
    stored: sent.filter((s) => found(s.key) > 0).length,
    ...(storedAlso && {
      storedAlso: {
        where: storedAlso.where,
        count: sent.filter((s) => (storedAlso.counts.get(s.key) ?? 0) > 0).length,
      },
    }),
    duplicated: sent.filter((s) => found(s.key) > 1).length,
    lost: sent.filter((s) => s.acknowledged && found(s.key) === 0).length,
  };
}

/** A tally of reads: acknowledged ones that lacked what they had to show count as lost. */
export function tallyReads(what: string, reads: readonly { acknowledged: boolean; correct: boolean }[]): DeliveryRow {
  return {
    what,
    sent: reads.length,
    acknowledged: reads.filter((r) => r.acknowledged).length,
    duplicated: 0,
    lost: reads.filter((r) => r.acknowledged && !r.correct).length,
  };
}

/** The longest stretch of [from, to] without a success, given the success times (any order), and when it began. */
export function longestGap(successes: readonly number[], from: number, to: number): { ms: number; startsAt: number } {
  const times = [from, ...successes.filter((t) => t >= from && t <= to).sort((a, b) => a - b), to];
  let longest = { ms: 0, startsAt: from };
  for (let i = 1; i < times.length; i++) {
    if (times[i] - times[i - 1] > longest.ms) longest = { ms: times[i] - times[i - 1], startsAt: times[i - 1] };
  }
  return longest;
}

export interface DrillLimits {
  /** Every killed process must be ready again within this (the issue's 15 s). */
  readyWithinMs: number;
}

/** Why the drill failed, one line each; empty when it passed. */
export function drillProblems(report: DrillReport, limits: DrillLimits): string[] {
  const problems: string[] = [];
  for (const row of report.deliveries) {
    if (row.lost > 0) problems.push(`${row.what}: ${row.lost} acknowledged but lost`);
    if (row.duplicated > 0) problems.push(`${row.what}: ${row.duplicated} processed more than once`);
    if (row.acknowledged === 0 && row.sent > 0) problems.push(`${row.what}: nothing acknowledged`);
  }
  for (const row of report.recoveries) {
    if (row.readyAfterMs === undefined) problems.push(`${row.what}: never ready again`);
    else if (row.readyAfterMs > limits.readyWithinMs) {
      problems.push(
        `${row.what}: ready only after ${seconds(row.readyAfterMs)} (limit ${seconds(limits.readyWithinMs)})`,
      );
    }
  }
  return problems;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function table(header: string[], rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The tables `npm run drill` prints. */
export function renderDrillReport(report: DrillReport): string {
  const deliveries = table(
    ['traffic', 'sent', 'acknowledged', 'stored', 'duplicated', 'lost', 'refused with'],
    report.deliveries.map((r) => [
      r.what,
      String(r.sent),
      String(r.acknowledged),
      r.stored === undefined
        ? '-'
        : `${r.stored}${r.storedAlso ? ` (${r.storedAlso.where}: ${r.storedAlso.count})` : ''}`,
      String(r.duplicated),
      String(r.lost),
      r.refusals ?? '',
    ]),
    (i) => i > 0 && i < 6,
  );
  const recoveries = table(
    ['killed', 'at', 'how', 'ready after'],
    report.recoveries.map((r) => [
      r.what,
      `+${seconds(r.atMs)}`,
      r.how,
      r.readyAfterMs === undefined ? 'never' : seconds(r.readyAfterMs),
    ]),
    (i) => i === 1 || i === 3,
  );
  const outages = table(
    ['traffic', 'longest outage seen by a client', 'from'],
    report.outages.map((r) => [r.traffic, seconds(r.longestGapMs), `+${seconds(r.gapFromMs)}`]),
    (i) => i > 0,
  );
  return `${deliveries}\n\n${recoveries}\n\n${outages}\n\nrun: ${seconds(report.durationMs)}\n`;
}
