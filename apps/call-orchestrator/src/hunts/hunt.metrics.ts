import { MetricsService } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';

/** What the hunt engine counts (`callfleet_hunt_*`); the hand-off's latency histogram is hunt-handoff's. */
@Injectable()
export class HuntMetrics {
  readonly huntsCreated: Counter;
  readonly huntsEnded: Counter<'status'>;
  readonly dials: Counter<'outcome'>;
  readonly legsEnded: Counter<'reason'>;
  readonly redials: Counter<'reason'>;
  readonly digitsSent: Counter;
  readonly callEventsIgnored: Counter<'why'>;
  readonly wins: Counter<'decidedBy'>;
  readonly detections: Counter<'decidedBy' | 'outcome'>;

  constructor(metrics: MetricsService) {
    this.huntsCreated = metrics.counter('callfleet_hunt_created_total', 'Hunts created');
    this.huntsEnded = metrics.counter('callfleet_hunt_ended_total', 'Hunts ended by the engine, by final status', [
      'status',
    ]);
    this.dials = metrics.counter('callfleet_hunt_dials_total', 'Leg dials, by outcome (placed, failed, skipped)', [
      'outcome',
    ]);
    this.legsEnded = metrics.counter('callfleet_hunt_legs_ended_total', 'Legs that ended or failed, by reason', [
      'reason',
    ]);
    this.redials = metrics.counter('callfleet_hunt_redials_total', 'Lines dialed again, by why the leg before ended', [
      'reason',
    ]);
    this.digitsSent = metrics.counter('callfleet_hunt_ivr_digits_sent_total', 'IVR digit steps sent to calls');
    this.callEventsIgnored = metrics.counter(
      'callfleet_hunt_call_events_ignored_total',
      'Provider call events that moved nothing (late, repeated, unknown call)',
      ['why'],
    );
    this.wins = metrics.counter('callfleet_hunt_wins_total', 'Hunts won (one per hunt), by what decided the winner', [
      'decidedBy',
    ]);
    this.detections = metrics.counter(
      'callfleet_hunt_detections_total',
      'Live-human signals, by what sent them and what came of them (won, lost, alerted, ignored, duplicate)',
      ['decidedBy', 'outcome'],
    );
  }
}
