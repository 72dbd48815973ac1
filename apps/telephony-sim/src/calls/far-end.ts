import type { CallRuntime } from './call-runtime';

/** Seconds the IVR waits for a choice after its menu, and how often it repeats the menu before giving up. */
const IVR_DIGIT_TIMEOUT_SECONDS = 5;
const IVR_MENU_REPEATS = 3;
/** Menu choices that lead to the hold queue ("press 1 for tax questions, 2 for payments"). */
const IVR_CHOICES = /[12]/;
const VOICEMAIL_MAX_SECONDS = 120;
/** A queue nobody ever answers: the far end gives up after an hour. */
const HOLD_FOREVER_SECONDS = 3600;

/**
 * What the far end does once it answers, by scenario; resolves with the reason it hangs up.
 * Every wait uses the far end's signal, so a bridge (transfer) or a hang-up stops the script.
 */
export async function runFarEndScript(rt: CallRuntime): Promise<string> {
  const { plan } = rt.call;
  const signal = rt.farEndSignal;
  switch (plan.scenario) {
    case 'ivr-hold-agent': {
      let chosen = false;
      for (let menu = 0; menu < IVR_MENU_REPEATS && !chosen; menu++) {
        rt.phase('ivr-menu');
        const digits = await rt.waitForDigits(rt.clipSeconds('ivr-menu') + IVR_DIGIT_TIMEOUT_SECONDS);
        chosen = IVR_CHOICES.test(digits);
      }
      if (!chosen) return 'no menu choice made';
      rt.phase('hold');
      await rt.sleep(plan.holdSeconds, signal);
      rt.phase('live-agent');
      await rt.sleep(plan.agentPatienceSeconds, signal);
      return 'live speaker hung up';
    }
    case 'hold-forever':
      rt.phase('hold');
      await rt.sleep(HOLD_FOREVER_SECONDS, signal);
      return 'nobody answered the queue';
    case 'agent-after-announcement':
      // An agent picks up straight after the welcome announcement, with no music in between.
      rt.phase('welcome-announcement');
      await rt.sleep(rt.clipSeconds('hold-announcement'), signal);
      rt.phase('live-agent');
      await rt.sleep(plan.agentPatienceSeconds, signal);
      return 'live speaker hung up';
    case 'too-busy':
      rt.phase('announcement');
      await rt.sleep(rt.clipSeconds('too-busy'), signal);
      return 'too busy, call back later';
    case 'voicemail':
      rt.phase('voicemail-greeting');
      await rt.sleep(rt.clipSeconds('voicemail-greeting'), signal);
      rt.phase('voicemail-recording');
      await rt.sleep(VOICEMAIL_MAX_SECONDS, signal);
      return 'voicemail message too long';
    default:
      rt.phase('live-agent');
      await rt.sleep(plan.agentPatienceSeconds, signal);
      return 'person hung up';
  }
}

/**
 * The far end once its own script stopped for a bridge or a hand-off: bridged, it talks for the
 * plan's bridged time and hangs up; not bridged (the destination rings, is busy, hung up), the person
 * waits to be connected, hearing whatever our side plays, and hangs up only when their transfer
 * patience runs out. Rejects when the call ends first.
 */
export async function runFarEndAfterScript(rt: CallRuntime): Promise<string> {
  const { plan } = rt.call;
  let givesUpAt = rt.simNow() + plan.transferPatienceSeconds;
  for (;;) {
    if (rt.isBridged) {
      if (!(await rt.waitForBridgeChange(plan.bridgedSeconds))) return 'bridged conversation ended';
      // The destination left: the person is back to waiting, with their patience renewed.
      givesUpAt = rt.simNow() + plan.transferPatienceSeconds;
      continue;
    }
    const left = givesUpAt - rt.simNow();
    if (left <= 0 || !(await rt.waitForBridgeChange(left))) return 'gave up waiting to be connected';
  }
}

/** What answering-machine detection concludes for the far end of a scenario. */
export function machineDetectionResult(scenario: string, detectMessageEnd: boolean): string {
  switch (scenario) {
    case 'voicemail':
      return detectMessageEnd ? 'machine_end_beep' : 'machine_start';
    case 'ivr-hold-agent':
    case 'too-busy':
    case 'hold-forever':
    case 'agent-after-announcement':
      return detectMessageEnd ? 'machine_end_other' : 'machine_start';
    default:
      return 'human';
  }
}
