import type { ServiceName } from '@callfleet/contracts';
import { FLEET_SERVICES } from '../fleet/fleet-services';

/** Sizes and durations of a drill run (flags or DRILL_* variables; `npm run drill -- --help`). */
export interface DrillSettings {
  rootDir: string;
  /** Fleet services run (every core one by default), each with `replicas` copies. */
  services: ServiceName[];
  replicas: number;
  /** Traffic before the first fault, between faults, and after the last one. */
  warmupMs: number;
  pauseMs: number;
  cooldownMs: number;
  /** Traffic between one service's replica being ready again and the next one's kill. */
  faultGapMs: number;
  /** How long the killed NATS node stays down. */
  natsDownMs: number;
  /** API journeys at once, and the pause of each between journeys. */
  apiConcurrency: number;
  apiPauseMs: number;
  /** Simulator bursts in flight at once, and callbacks per burst. */
  webhookConcurrency: number;
  webhookBurstSize: number;
  /** Every killed process must serve again within this. */
  readyWithinMs: number;
  /** Keep the temporary directory (stores, logs) even when the run passed. */
  keepData: boolean;
}

type NumericSetting = {
  [K in keyof DrillSettings]: DrillSettings[K] extends number ? K : never;
}[keyof DrillSettings];

interface Knob {
  flag: string;
  env: string;
  help: string;
  /** The setting it sets, and how its text is read. */
  apply: (value: string, settings: DrillSettings) => void;
}

/** A knob for a number: `parse` checks the text and returns the value in the setting's unit. */
function numberKnob(flag: string, env: string, help: string, key: NumericSetting, parse: (v: string) => number): Knob {
  return {
    flag,
    env,
    help,
    apply: (value, settings) => {
      settings[key] = parse(value);
    },
  };
}

const CORE_SERVICES = FLEET_SERVICES.filter((s) => !s.optional).map((s) => s.name);

function integer(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
    return n;
  };
}

function seconds(name: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > max)
      throw new Error(`${name} must be seconds from 0 to ${max}, got "${value}"`);
    return Math.round(n * 1000);
  };
}

const KNOBS: Knob[] = [
  {
    flag: '--services',
    env: 'DRILL_SERVICES',
    help: `comma list (default every core service: ${CORE_SERVICES.join(',')})`,
    apply: (value, settings) => {
      const names = value
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      const unknown = names.filter((n) => !CORE_SERVICES.includes(n as ServiceName));
      if (unknown.length) throw new Error(`--services: unknown ${unknown.join(', ')}`);
      for (const needed of ['gateway', 'auth', 'webhook-ingest'] as const) {
        if (!names.includes(needed)) throw new Error(`--services must include ${needed} (the traffic goes through it)`);
      }
      settings.services = names as ServiceName[];
    },
  },
  numberKnob('--replicas', 'DRILL_REPLICAS', 'copies of each service (2)', 'replicas', integer('--replicas', 2, 4)),
  numberKnob(
    '--warmup',
    'DRILL_WARMUP_S',
    'seconds of traffic before the first fault (10)',
    'warmupMs',
    seconds('--warmup', 600),
  ),
  numberKnob('--pause', 'DRILL_PAUSE_S', 'seconds of traffic between faults (8)', 'pauseMs', seconds('--pause', 600)),
  numberKnob(
    '--kill-gap',
    'DRILL_KILL_GAP_S',
    "seconds between one replica's recovery and the next one's kill (2)",
    'faultGapMs',
    seconds('--kill-gap', 600),
  ),
  numberKnob(
    '--cooldown',
    'DRILL_COOLDOWN_S',
    'seconds of traffic after the last fault (10)',
    'cooldownMs',
    seconds('--cooldown', 600),
  ),
  numberKnob(
    '--nats-down',
    'DRILL_NATS_DOWN_S',
    'seconds the killed NATS node stays down (5)',
    'natsDownMs',
    seconds('--nats-down', 600),
  ),
  numberKnob(
    '--api-concurrency',
    'DRILL_API_CONCURRENCY',
    'API journeys at once (1)',
    'apiConcurrency',
    integer('--api-concurrency', 1, 50),
  ),
  numberKnob(
    '--api-pause',
    'DRILL_API_PAUSE_MS',
    "milliseconds between one worker's journeys (200)",
    'apiPauseMs',
    integer('--api-pause', 0, 60_000),
  ),
  numberKnob(
    '--webhook-concurrency',
    'DRILL_WEBHOOK_CONCURRENCY',
    'simulator bursts in flight (1)',
    'webhookConcurrency',
    integer('--webhook-concurrency', 1, 20),
  ),
  numberKnob(
    '--burst',
    'DRILL_WEBHOOK_BURST',
    'callbacks per burst (10)',
    'webhookBurstSize',
    integer('--burst', 1, 500),
  ),
  numberKnob(
    '--ready-within',
    'DRILL_READY_WITHIN_S',
    'seconds a killed process may take to be ready (15)',
    'readyWithinMs',
    seconds('--ready-within', 600),
  ),
];

export function drillUsage(): string {
  const lines = KNOBS.map((k) => `  ${`${k.flag} <value>`.padEnd(30)} ${k.env.padEnd(27)} ${k.help}`);
  return [
    'npm run drill -- [options]   (each option also as a variable)',
    ...lines,
    `  ${'--keep'.padEnd(30)} ${'DRILL_KEEP=1'.padEnd(27)} keep stores and logs of a passing run`,
  ].join('\n');
}

/** Defaults, then DRILL_* variables, then flags; throws one error naming every bad value. */
export function readDrillSettings(argv: readonly string[], env: NodeJS.ProcessEnv, rootDir: string): DrillSettings {
  const settings: DrillSettings = {
    rootDir,
    services: [...CORE_SERVICES],
    replicas: 2,
    warmupMs: 10_000,
    pauseMs: 8_000,
    faultGapMs: 2_000,
    cooldownMs: 10_000,
    natsDownMs: 5_000,
    apiConcurrency: 1,
    apiPauseMs: 200,
    webhookConcurrency: 1,
    webhookBurstSize: 10,
    readyWithinMs: 15_000,
    keepData: ['1', 'true', 'yes'].includes((env.DRILL_KEEP ?? '').toLowerCase()),
  };
  const problems: string[] = [];
  const apply = (knob: Knob, value: string) => {
    try {
      knob.apply(value, settings);
    } catch (error) {
      problems.push((error as Error).message);
    }
  };
  for (const knob of KNOBS) if (env[knob.env]) apply(knob, env[knob.env] as string);
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--keep') {
      settings.keepData = true;
      continue;
    }
    const knob = KNOBS.find((k) => k.flag === flag);
    if (!knob) {
      problems.push(`unknown option ${argv[i]}`);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) problems.push(`${flag} needs a value`);
    else apply(knob, value);
  }
  if (problems.length) throw new Error(problems.join('; '));
  return settings;
}
