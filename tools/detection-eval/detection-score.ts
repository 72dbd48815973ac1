/** One file's outcome: its label (null = no human, undefined = unlabeled) and the detector's decision. */
export interface FileDecision {
  file: string;
  labeledAtMs?: number | null;
  decidedAtMs: number | null;
}

export interface DetectionScore {
  /** Files with a label (a number or null). */
  labeled: number;
  humans: number;
  truePositives: number;
  falseAlarms: { file: string; decidedAtMs: number; labeledAtMs: number | null }[];
  misses: { file: string; labeledAtMs: number; decidedAtMs: number | null }[];
  /** TP / (TP + FA); 1 when nothing was decided. */
  precision: number;
  /** TP / humans; 1 when no file has a human. */
  recall: number;
  /** Decision minus labeled onset over the true positives (nearest-rank percentiles), null without any. */
  latencyMs: { p50: number; p95: number; max: number } | null;
}

/** A decision later than this after the onset does not count (the hunt has moved on): a miss. */
export const MISS_AFTER_MS = 10_000;

/**
 * The issue's scoring rule: a decision before the labeled onset, or on a file without a human, is a false
 * alarm; no decision within MISS_AFTER_MS after the onset is a miss. Unlabeled files are not scored.
 */
export function scoreDecisions(rows: readonly FileDecision[], missAfterMs = MISS_AFTER_MS): DetectionScore {
  const falseAlarms: DetectionScore['falseAlarms'] = [];
  const misses: DetectionScore['misses'] = [];
  const latencies: number[] = [];
  let labeled = 0;
  let humans = 0;
  for (const row of rows) {
    if (row.labeledAtMs === undefined) continue;
    labeled++;
    const label = row.labeledAtMs;
    const decided = row.decidedAtMs;
    if (label === null) {
      if (decided !== null) falseAlarms.push({ file: row.file, decidedAtMs: decided, labeledAtMs: null });
      continue;
    }
    humans++;
    if (decided !== null && decided < label) {
      falseAlarms.push({ file: row.file, decidedAtMs: decided, labeledAtMs: label });
      misses.push({ file: row.file, labeledAtMs: label, decidedAtMs: decided });
    } else if (decided === null || decided - label > missAfterMs) {
      misses.push({ file: row.file, labeledAtMs: label, decidedAtMs: decided });
    } else latencies.push(decided - label);
  }
  const truePositives = latencies.length;
  latencies.sort((a, b) => a - b);
  return {
    labeled,
    humans,
    truePositives,
    falseAlarms,
    misses,
    precision: truePositives + falseAlarms.length === 0 ? 1 : truePositives / (truePositives + falseAlarms.length),
    recall: humans === 0 ? 1 : truePositives / humans,
    latencyMs: truePositives
      ? { p50: nearestRank(latencies, 0.5), p95: nearestRank(latencies, 0.95), max: latencies[latencies.length - 1] }
      : null,
  };
}

function nearestRank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** The issue's goals, so the report can say which were met. */
export const DETECTION_GOALS = { precision: 0.995, recall: 0.98, p50Ms: 1500, p95Ms: 3000, cpuMicrosPerFrame: 20 };

export function renderScore(score: DetectionScore, cpuMicrosPerFrame: number, frames: number): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const goal = (ok: boolean) => (ok ? 'ok' : 'MISSED GOAL');
  const lines = [
    `files labeled: ${score.labeled} (${score.humans} with a human)`,
    `precision: ${pct(score.precision)} (${score.truePositives} right, ${score.falseAlarms.length} false alarms) ${goal(score.precision >= DETECTION_GOALS.precision)}`,
    `recall: ${pct(score.recall)} (${score.misses.length} missed) ${goal(score.recall >= DETECTION_GOALS.recall)}`,
    score.latencyMs
      ? `latency after onset: p50 ${score.latencyMs.p50} ms ${goal(score.latencyMs.p50 <= DETECTION_GOALS.p50Ms)}, p95 ${score.latencyMs.p95} ms ${goal(score.latencyMs.p95 <= DETECTION_GOALS.p95Ms)}, max ${score.latencyMs.max} ms`
      : 'latency after onset: no true positives',
    `cpu: ${cpuMicrosPerFrame.toFixed(2)} µs per 20 ms frame over ${frames} frames ${goal(cpuMicrosPerFrame <= DETECTION_GOALS.cpuMicrosPerFrame)}`,
  ];
  for (const fa of score.falseAlarms)
    lines.push(
      `false alarm: ${fa.file} decided at ${fa.decidedAtMs} ms, human ${fa.labeledAtMs === null ? 'none' : `at ${fa.labeledAtMs} ms`}`,
    );
  for (const miss of score.misses)
    lines.push(
      `miss: ${miss.file} human at ${miss.labeledAtMs} ms, decided ${miss.decidedAtMs === null ? 'never' : `at ${miss.decidedAtMs} ms`}`,
    );
  return lines.join('\n');
}
