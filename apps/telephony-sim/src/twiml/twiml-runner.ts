import type { CallRuntime } from '../calls/call-runtime';
import { dialActionParams, runDial } from './dial';
import type { DialStep, StreamRequest, TwimlStep } from './twiml';
import { parseTwiml } from './twiml-parser';
import { untilAborted } from './until-aborted';

/**
 * Fetches the next document (a `<Redirect>`, a `<Dial action>` with its outcome in `params`); the
 * caller signs and resolves relative URLs.
 */
export type TwimlFetch = (url: string, method: 'GET' | 'POST', params?: Record<string, string>) => Promise<string>;

/** Where the instructions go on: a URL to fetch, with extra parameters (a dial's outcome). */
interface NextDocument {
  url: string;
  method: 'GET' | 'POST';
  params?: Record<string, string>;
}

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
    const next = await runSteps(parseTwiml(current), rt, signal, fetch);
    if (!next) return;
    current = await fetch(next.url, next.method, next.params);
  }
  throw new Error(`more than ${MAX_DOCUMENTS} TwiML documents in a row`);
}

async function runSteps(
  steps: TwimlStep[],
  rt: CallRuntime,
  signal: AbortSignal,
  fetch: TwimlFetch,
): Promise<NextDocument | undefined> {
  for (const step of steps) {
    signal.throwIfAborted();
    rt.note({ type: 'twiml', step });
    switch (step.verb) {
      case 'Play':
        if (step.digits !== undefined) {
          rt.heard({ kind: 'digits', digits: step.digits });
          await playDigits(step.digits, rt, signal);
        } else {
          rt.heard({ kind: 'play', url: step.url });
          await loop(step.loop, PLAYED_AUDIO_SECONDS, rt, signal);
        }
        break;
      case 'Say':
        rt.heard({ kind: 'say', text: step.text });
        await loop(step.loop, Math.max(1, step.text.split(/\s+/).length * SPOKEN_SECONDS_PER_WORD), rt, signal);
        break;
      case 'Pause':
        rt.heard({ kind: 'pause', seconds: step.lengthSeconds });
        await rt.sleep(step.lengthSeconds, signal);
        break;
      case 'Dial': {
        const next = await dial(step, rt, signal, fetch);
        if (next) return next;
        break;
      }
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
        const redirect = await runSteps(step.steps, rt, signal, fetch);
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

/**
 * A `<Dial>`, then its `action` (the document it answers goes on) or, without one, the next verb. When
 * the call ended during the dial the action is still told, as Twilio does, and its answer ignored.
 */
async function dial(
  step: DialStep,
  rt: CallRuntime,
  signal: AbortSignal,
  fetch: TwimlFetch,
): Promise<NextDocument | undefined> {
  const outcome = await runDial(step, rt, signal, async (attempt, url, method) => {
    rt.note({ type: 'dial-whisper', dialCallSid: attempt.dialCallSid, url });
    await fetch(url, method, {
      CallSid: attempt.dialCallSid,
      ParentCallSid: rt.call.sid,
      CallStatus: 'in-progress',
      Direction: 'outbound-dial',
      From: step.callerId ?? rt.call.from,
      Caller: step.callerId ?? rt.call.from,
      To: attempt.destination.value,
      Called: attempt.destination.value,
    });
  });
  const params = dialActionParams(outcome);
  if (outcome.callEnded) {
    if (step.action) fetch(step.action, step.method, params).catch(() => undefined);
    return untilAborted(signal);
  }
  return step.action ? { url: step.action, method: step.method, params } : undefined;
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
