import type { CallRuntime } from '../calls/call-runtime';
import type { TwimlStep } from './twiml';
import { parseTwiml } from './twiml-parser';

/** Fetches the next document (a `<Redirect>`); the caller signs and resolves relative URLs. */
export type TwimlFetch = (url: string, method: 'GET' | 'POST') => Promise<string>;

/** Twilio stops a call that redirects in a loop; so does the simulator. */
const MAX_DOCUMENTS = 20;
/** Simulated length of a `<Play>` of an audio URL (the simulator does not download it). */
const PLAYED_AUDIO_SECONDS = 5;
const SPOKEN_SECONDS_PER_WORD = 0.4;
const DTMF_TONE_SECONDS = 0.1;
const DTMF_WAIT_SECONDS = 0.5;

/**
 * Follows a TwiML document and the ones it redirects to, until they end (resolves), the call ends
 * or a redirect from the API aborts `signal` (rejects). What the call does (digits to the far end,
 * a bridge, a stream) goes through the runtime and into the call's history.
 */
export async function followTwiml(document: string, rt: CallRuntime, signal: AbortSignal, fetch: TwimlFetch) {
  let current = document;
  for (let documents = 1; documents <= MAX_DOCUMENTS; documents++) {
    const redirect = await runSteps(parseTwiml(current), rt, signal);
    if (!redirect) return;
    current = await fetch(redirect.url, redirect.method);
  }
  throw new Error(`more than ${MAX_DOCUMENTS} TwiML documents in a row`);
}

async function runSteps(
  steps: TwimlStep[],
  rt: CallRuntime,
  signal: AbortSignal,
): Promise<{ url: string; method: 'GET' | 'POST' } | undefined> {
  for (const step of steps) {
    signal.throwIfAborted();
    rt.note({ type: 'twiml', step });
    switch (step.verb) {
      case 'Play':
        if (step.digits !== undefined) await playDigits(step.digits, rt, signal);
        else await loop(step.loop, PLAYED_AUDIO_SECONDS, rt, signal);
        break;
      case 'Say':
        await loop(step.loop, Math.max(1, step.text.split(/\s+/).length * SPOKEN_SECONDS_PER_WORD), rt, signal);
        break;
      case 'Pause':
        await rt.sleep(step.lengthSeconds, signal);
        break;
      case 'Dial':
        // The far end is bridged to the first target; the call stays until that conversation ends.
        rt.bridge(step.targets[0]);
        await untilAborted(signal);
        break;
      case 'Connect':
        if (step.stream) rt.requestStream(step.stream, true);
        // A connected stream holds the call until it closes; media streaming itself is not simulated yet.
        await untilAborted(signal);
        break;
      case 'Start':
        if (step.stream) rt.requestStream(step.stream, false);
        break;
      case 'Gather': {
        // Nobody on the far end presses keys for us: the nested prompts play, the wait runs out.
        const redirect = await runSteps(step.steps, rt, signal);
        if (redirect) return redirect;
        await rt.sleep(step.timeoutSeconds, signal);
        break;
      }
      case 'Redirect':
        return { url: step.url, method: step.method };
      case 'Hangup':
      case 'Reject':
        rt.hangUp('instructions', step.verb);
        await untilAborted(signal);
        break;
      case 'Unsupported':
        break;
    }
  }
  return undefined;
}

async function playDigits(digits: string, rt: CallRuntime, signal: AbortSignal): Promise<void> {
  let pressed = '';
  for (const key of digits) {
    if (key === 'w' || key === 'W') {
      rt.sendDigits(pressed);
      pressed = '';
      await rt.sleep(DTMF_WAIT_SECONDS, signal);
    } else {
      await rt.sleep(DTMF_TONE_SECONDS, signal);
      pressed += key;
    }
  }
  rt.sendDigits(pressed);
}

/** `loop="0"` repeats until the call ends or is redirected. */
async function loop(times: number, seconds: number, rt: CallRuntime, signal: AbortSignal): Promise<void> {
  if (times === 0) return untilAborted(signal);
  await rt.sleep(times * seconds, signal);
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
