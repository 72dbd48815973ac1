import type { CallRuntime } from '../calls/call-runtime';
import type { StreamRequest, TwimlStep } from './twiml';
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
      case 'Connect': {
        // Other <Connect> nouns (<Room>, <VirtualAgent> …) are not simulated: they hold the call.
        if (!step.stream) await untilAborted(signal);
        else await connectStream(step.stream, rt, signal);
        // Twilio goes on with the next verb once the stream closes, or with the action URL.
        if (step.action) return { url: step.action, method: step.method ?? 'POST' };
        break;
      }
      case 'Start':
        if (step.stream) rt.openStream({ provider: 'twilio', kind: 'fork', stream: step.stream, bidirectional: false });
        break;
      case 'Stop':
        rt.stopStreams(step.streamName, 'stopped by <Stop><Stream>');
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

/** A bidirectional stream holds the instructions until it closes; a redirect (or hang-up) ends it. */
async function connectStream(stream: StreamRequest, rt: CallRuntime, signal: AbortSignal): Promise<void> {
  const session = rt.openStream({ provider: 'twilio', kind: 'connect', stream, bidirectional: true });
  const stop = () => session.stop(rt.isOver ? 'call ended' : 'instructions replaced');
  signal.addEventListener('abort', stop, { once: true });
  const aborted = untilAborted(signal);
  // When the stream closes first, the abort that comes later (the call's end) must not go unhandled.
  aborted.catch(() => undefined);
  try {
    await Promise.race([session.closed, aborted]);
  } finally {
    signal.removeEventListener('abort', stop);
  }
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
