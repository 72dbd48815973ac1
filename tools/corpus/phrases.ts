/**
 * What the corpus says, and who says it. Shared by the clip generator (espeak-ng, run by hand) and
 * the corpus builder (pure Node, reads the rendered clips). Prompts deliberately use the words a
 * live agent uses too ("hello", "thank you for calling", "this is", "are you still there?"): a
 * detector must tell live from recorded by how the audio behaves, not by what it says.
 */

export type Split = 'train' | 'holdout';

export type PhraseKind =
  | 'menu'
  | 'announcement'
  | 'one-time'
  | 'too-busy'
  | 'voicemail'
  | 'voicemail-hello'
  | 'voicemail-after-hello'
  | 'queue-position-lead'
  | 'queue-position-number'
  | 'queue-position-tail'
  | 'speech-ivr-prompt'
  | 'speech-ivr-retry'
  | 'agent-opening'
  | 'agent-follow-up'
  | 'agent-hold-request'
  | 'agent-return';

export interface Phrase {
  id: string;
  kind: PhraseKind;
  text: string;
}

export interface Voice {
  /** The espeak-ng voice and variant, as given to `-v`; also the clip directory's name. */
  espeak: string;
  split: Split;
  /** Prompt voices record a line's IVR and announcements; agent voices are the live people. */
  role: 'prompts' | 'agents';
  /** espeak-ng -s (words a minute) and -p (pitch 0-99). */
  wordsPerMinute: number;
  pitch: number;
}

// A voice of each split shares its family with a voice of the other role (en-gb-x-rp, en-gb-scotland):
// an agent who sounds like the line's own recordings.
export const VOICES: readonly Voice[] = [
  { espeak: 'en-us+m3', split: 'train', role: 'prompts', wordsPerMinute: 165, pitch: 45 },
  { espeak: 'en-gb-x-rp+f2', split: 'train', role: 'prompts', wordsPerMinute: 160, pitch: 55 },
  { espeak: 'en-gb-x-gbcwmd+m5', split: 'train', role: 'prompts', wordsPerMinute: 170, pitch: 40 },
  { espeak: 'en-us+f4', split: 'train', role: 'agents', wordsPerMinute: 180, pitch: 60 },
  { espeak: 'en-gb+m4', split: 'train', role: 'agents', wordsPerMinute: 185, pitch: 40 },
  { espeak: 'en-gb-x-rp+m6', split: 'train', role: 'agents', wordsPerMinute: 175, pitch: 50 },
  { espeak: 'en-gb-scotland+f3', split: 'holdout', role: 'prompts', wordsPerMinute: 160, pitch: 55 },
  { espeak: 'en-029+m2', split: 'holdout', role: 'prompts', wordsPerMinute: 165, pitch: 45 },
  { espeak: 'en-us-nyc+f1', split: 'holdout', role: 'agents', wordsPerMinute: 185, pitch: 65 },
  { espeak: 'en-gb-x-gbclan+m7', split: 'holdout', role: 'agents', wordsPerMinute: 175, pitch: 35 },
  { espeak: 'en-gb-scotland+m1', split: 'holdout', role: 'agents', wordsPerMinute: 180, pitch: 45 },
];

const MENUS = [
  'Thank you for calling the tax office helpline. For self assessment, press 1. For payroll, press 2. For all other enquiries, press 3.',
  'Hello, and thank you for calling Northgate Energy. To report a gas leak, press 1. For billing, press 2. To speak to an advisor, press 3.',
  'Welcome to the City Council. For council tax, press 1. For parking permits, press 2. For waste collection, press 3. To hear these options again, press 9.',
  'Thank you for calling Meridian Bank. If you have lost your card, press 1. For mortgages, press 2. For anything else, please hold.',
  'You have reached the accounts payable line. For invoice queries, press 1. For remittances, press 2.',
  'Thank you for calling Riverside Medical Practice. To book an appointment, press 1. For prescriptions, press 2. For test results, press 3.',
  'Hello, this is the passport advice line. For new applications, press 1. For renewals, press 2. To track an application, press 3.',
  'Thanks for calling Skyline Broadband. For technical support, press 1. To upgrade your package, press 2. To cancel, press 3.',
  'Welcome to the student finance helpline. Please listen carefully, as our options have changed. For loan applications, press 1. For repayments, press 2.',
  'Thank you for calling Harbour Insurance. To make a new claim, press 1. For an existing claim, press 2. For a quote, press 3.',
  "Good afternoon, you've reached the pensions service. For state pension, press 1. For pension credit, press 2.",
  'Thank you for calling the licensing line. For driving licences, press 1. For vehicle tax, press 2. For all other services, press 3.',
  'Hello, welcome to Greenfield Water. To report a leak, press 1. To pay your bill, press 2. To talk to someone, press 0.',
  "You're through to the Apex Airlines reservations line. For new bookings, press 1. To change a booking, press 2.",
  'Thank you for calling the housing benefit team. This is the main menu. For new claims, press 1. For changes of circumstance, press 2.',
];

const ANNOUNCEMENTS = [
  'Please continue to hold. Your call is important to us.',
  'All of our agents are busy at the moment. Please hold, and the next available advisor will be with you shortly.',
  'Thank you for your patience. You are in a queue, and will be answered as soon as possible.',
  'Thank you for holding. An advisor will be with you shortly.',
  'We are experiencing a high volume of calls. Please stay on the line.',
  'Your call is important to us. Please do not hang up, as you will lose your place in the queue.',
  'Thank you for waiting. All of our operators are still busy. Please continue to hold.',
  "Hello, we're sorry to keep you waiting. Please hold the line.",
  'Did you know you can manage your account online? Please continue to hold.',
  'Thanks for holding. This is a reminder that your call is still in the queue.',
  'We apologise for the delay. Someone will be with you as soon as possible.',
  'Please hold. Calls are answered in the order they are received.',
  'Thank you for calling. All our staff are helping other customers. Please hold.',
  "Your call is in a queue. Please hold, and we'll be with you shortly.",
  'Hi, thanks for waiting, this is just to let you know you are still in the queue.',
];

const ONE_TIME = [
  'The estimated wait time is approximately fifteen minutes.',
  'Our offices are open Monday to Friday, from eight in the morning until six in the evening.',
  'Did you know that you can find answers to many questions on our website, at w w w dot example dot com?',
  'Calls may be recorded for training and quality purposes.',
  'Please have your reference number ready when you speak to an advisor.',
  'We are currently experiencing longer wait times than usual. You may wish to call back later.',
  'If you are calling about the recent service outage, it has now been resolved.',
  'Your call will be answered in approximately five minutes.',
  'Please note that our lines are busiest on Monday mornings.',
  'For faster service, visit our website, where you can chat with an advisor.',
  'This call may be monitored or recorded, to help us improve our service.',
  'You are caller number four. The expected wait is under ten minutes.',
  'Our opening hours over the holiday period have changed. Please check our website for details.',
  'Hello. Before we put you through, please note that we will never ask for your full password.',
  'Thank you for calling. Your estimated wait time is less than two minutes.',
];

const TOO_BUSY = [
  'We are too busy to take your call right now. Please call back later. Goodbye.',
  'Sorry, all of our lines are busy, and we cannot hold your call. Please try again later. Goodbye.',
  'Due to exceptionally high demand, we are unable to take your call at this time. Please call back tomorrow. Goodbye.',
  "We're sorry, the office is now closed. Please call back during our opening hours. Goodbye.",
  'The queue is full. Please call again later. Thank you, goodbye.',
];

const VOICEMAIL = [
  "Hello, you have reached Sarah Jones. I can't take your call right now. Please leave a message after the tone.",
  "Hi, this is Tom. Sorry I missed you. Leave your name and number, and I'll call you back.",
  'You have reached the accounts team. We are away from our desks. Please leave a message after the beep.',
  'Hello, this is the voicemail of Doctor Patel. Please leave a message, and I will return your call as soon as I can.',
  "Thank you for calling, this is Mike. I'm not available at the moment, please leave a message after the tone.",
];

/** A speech-recognising IVR asks, then waits in silence for an answer as a person would. */
const SPEECH_IVR: ReadonlyArray<readonly [prompt: string, retry: string]> = [
  [
    'In a few words, please tell me why you are calling.',
    "Sorry, I didn't catch that. You can say things like billing, or technical support.",
  ],
  [
    'Please say or enter your account number, followed by the hash key.',
    "Sorry, I didn't get that. Please enter your account number now.",
  ],
  [
    'Hello? Are you still there? Please say yes or no.',
    "I'm sorry, I still didn't hear anything. Let me put you through.",
  ],
  // A virtual agent greets like a person, names itself, and waits.
  [
    "Hi, I'm Sam, the virtual assistant. How can I help you today?",
    "Sorry, I didn't get that. Could you say it again?",
  ],
];

export const AGENT_OPENINGS: readonly Phrase[] = [
  'Thank you for holding, this is Maria, how can I help you?',
  'Hello?',
  "Hi, you're through to accounts, this is Sam.",
  'Yes, hello, tax office, how can I help?',
  'Sorry to keep you waiting. My name is David. What can I do for you today?',
  'Good morning, customer services, Priya speaking.',
  'Hello, Jordan speaking, who am I talking to?',
  'Thank you for calling, this is Alex. Can I take your account number, please?',
  'Hi there, thanks for waiting. How can I help?',
  'Claims department, this is Chris.',
  'Yeah, hello?',
  'Pharmacy, hello, how can I help you?',
  // Long openings run on as a recording would, without a pause.
  "Good afternoon, thanks for holding, you're through to billing, my name is Priya. Can I take your account number, please?",
  "Hiya, sorry about the wait, it's been really busy today. This is Dan in returns, what can I do for you?",
].map((text, i) => ({ id: `agent-opening-${String(i + 1).padStart(2, '0')}`, kind: 'agent-opening', text }));

export const AGENT_FOLLOW_UPS: readonly Phrase[] = [
  'Hello?',
  'Hello, is anyone there?',
  'Can you hear me?',
  'Hello? Are you still there?',
].map((text, i) => ({ id: `agent-follow-up-${String(i + 1).padStart(2, '0')}`, kind: 'agent-follow-up', text }));

/** An agent who picks up, asks you to hold, and comes back: the person is live from the first word. */
export const AGENT_HOLD_REQUESTS: readonly Phrase[] = ['Hi, sorry, just one second, let me put you on hold.'].map(
  (text, i) => ({ id: `agent-hold-request-${String(i + 1).padStart(2, '0')}`, kind: 'agent-hold-request', text }),
);

export const AGENT_RETURNS: readonly Phrase[] = [
  'Thanks for waiting. Right, how can I help?',
  'Sorry about that. Okay, what can I do for you?',
].map((text, i) => ({ id: `agent-return-${String(i + 1).padStart(2, '0')}`, kind: 'agent-return', text }));

/** The answering-machine joke: "Hello?", a pause for you to answer, then the greeting. A recording that takes turns. */
const VOICEMAIL_TRICKS: ReadonlyArray<readonly [hello: string, after: string]> = [
  ['Hello?', "Ha, sorry, I'm not here right now. Leave a message after the beep and I'll get back to you."],
  ['Hello, this is Chris.', "Just kidding, you've reached my voicemail. Please leave your name and number."],
];

function phrases(kind: PhraseKind, texts: readonly string[], picks: number[]): Phrase[] {
  return picks.map((pick, i) => ({ id: `${kind}-${i + 1}`, kind, text: texts[pick % texts.length] }));
}

/**
 * The recordings of prompt voice number `index` (0-based, across both splits): its own slice of
 * every pool, so that no two voices share a menu or an announcement.
 */
export function promptPhrases(index: number): Phrase[] {
  const slice = (count: number) => Array.from({ length: count }, (_, i) => index * count + i);
  const [speechPrompt, speechRetry] = SPEECH_IVR[index % SPEECH_IVR.length];
  return [
    ...phrases('menu', MENUS, slice(3)),
    ...phrases('announcement', ANNOUNCEMENTS, slice(3)),
    ...phrases('one-time', ONE_TIME, slice(3)),
    ...phrases('too-busy', TOO_BUSY, [index]),
    ...phrases('voicemail', VOICEMAIL, [index]),
    { id: 'voicemail-hello-1', kind: 'voicemail-hello', text: VOICEMAIL_TRICKS[index % VOICEMAIL_TRICKS.length][0] },
    {
      id: 'voicemail-after-hello-1',
      kind: 'voicemail-after-hello',
      text: VOICEMAIL_TRICKS[index % VOICEMAIL_TRICKS.length][1],
    },
    { id: 'speech-ivr-prompt-1', kind: 'speech-ivr-prompt', text: speechPrompt },
    { id: 'speech-ivr-retry-1', kind: 'speech-ivr-retry', text: speechRetry },
    ...QUEUE_POSITION,
  ];
}

/** Pieces of a queue-position announcement, spliced per call: the recording is partly new every time. */
export const QUEUE_POSITION_NUMBERS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven'];
const QUEUE_POSITION: readonly Phrase[] = [
  { id: 'queue-position-lead-1', kind: 'queue-position-lead', text: 'You are currently caller number' },
  ...QUEUE_POSITION_NUMBERS.map(
    (text, i): Phrase => ({ id: `queue-position-number-${i + 1}`, kind: 'queue-position-number', text }),
  ),
  { id: 'queue-position-tail-1', kind: 'queue-position-tail', text: 'in the queue. Thank you for holding.' },
];

/**
 * A few agent phrases in each prompt voice too: a line's live agent sometimes sounds exactly like the
 * line's own recordings (or another line's), so the voice alone never says "live".
 */
const PROMPT_VOICE_AGENT_PHRASES = new Set([
  'agent-opening-01',
  'agent-opening-02',
  'agent-opening-03',
  'agent-opening-06',
  'agent-opening-09',
  'agent-follow-up-01',
  'agent-follow-up-02',
]);

/** Every phrase `voice` speaks. */
export function phrasesOf(voice: Voice): Phrase[] {
  const agentPhrases = [...AGENT_OPENINGS, ...AGENT_FOLLOW_UPS, ...AGENT_HOLD_REQUESTS, ...AGENT_RETURNS];
  if (voice.role === 'agents') return agentPhrases;
  return [
    ...promptPhrases(VOICES.filter((v) => v.role === 'prompts').indexOf(voice)),
    ...agentPhrases.filter((p) => PROMPT_VOICE_AGENT_PHRASES.has(p.id)),
  ];
}

/** The clip file of a phrase, relative to corpus/clips. */
export function clipPath(voice: Voice, phrase: Phrase): string {
  return `${voice.espeak}/${phrase.id}.wav`;
}
