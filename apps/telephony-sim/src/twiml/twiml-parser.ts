import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { DialStep, DialTarget, StreamRequest, TwimlStep } from './twiml';

/** A TwiML document Twilio would refuse (its error 12100, "Document parse failure"). */
export class TwimlParseError extends Error {
  readonly twilioErrorCode = 12100;
}

/** Twilio takes inline `Twiml` up to 4000 characters; fetched documents get more room. */
export const MAX_TWIML_LENGTH = 64 * 1024;

type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
});

const DIGITS = /^[0-9*#wW]+$/;
const TRACKS = new Set(['inbound_track', 'outbound_track', 'both_tracks']);
const DIAL_NOUNS: Record<string, DialTarget['kind'] | undefined> = {
  Number: 'number',
  Queue: 'queue',
  Client: 'client',
  Sip: 'sip',
  Conference: 'conference',
};

/** Parses a `<Response>` document into the steps the simulator follows, in order. */
export function parseTwiml(document: string): TwimlStep[] {
  if (document.length > MAX_TWIML_LENGTH) throw new TwimlParseError('TwiML document is too large');
  // A DOCTYPE could declare entities (billion laughs); TwiML never needs one.
  if (/<!DOCTYPE/i.test(document)) throw new TwimlParseError('DOCTYPE is not allowed in TwiML');
  const valid = XMLValidator.validate(document);
  if (valid !== true) throw new TwimlParseError(`Invalid XML: ${valid.err.msg}`);
  const roots = (parser.parse(document) as XmlNode[]).filter((n) => elementName(n) !== undefined);
  if (roots.length !== 1 || elementName(roots[0]) !== 'Response') {
    throw new TwimlParseError('The root element must be <Response>');
  }
  return steps(children(roots[0]));
}

function elementName(node: XmlNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text' && !k.startsWith('?'));
}

function children(node: XmlNode): XmlNode[] {
  const name = elementName(node);
  return name ? (node[name] as XmlNode[]) : [];
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * XML's own entities and character references (`&amp;`, `&#38;`, `&#x26;`), as any XML parser reads
 * them: a URL escaped into TwiML keeps its query. The parser's entity processing stays off (a
 * DOCTYPE is refused anyway), so nothing else is expanded.
 */
function decodeEntities(raw: string): string {
  return raw.replace(/&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED_ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function text(node: XmlNode): string {
  return decodeEntities(
    children(node)
      .map((c) => (typeof c['#text'] === 'string' ? c['#text'] : ''))
      .join('')
      .trim(),
  );
}

function attr(node: XmlNode, name: string): string | undefined {
  const raw = node[':@']?.[name];
  return raw === undefined ? undefined : decodeEntities(raw);
}

function integer(node: XmlNode, name: string, fallback: number, min: number, max: number): number {
  const raw = attr(node, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new TwimlParseError(`<${elementName(node)} ${name}> must be a whole number`);
  return Math.min(max, Math.max(min, Number(raw)));
}

function steps(nodes: XmlNode[]): TwimlStep[] {
  return nodes.filter((n) => elementName(n) !== undefined).map(step);
}

function step(node: XmlNode): TwimlStep {
  const name = elementName(node) as string;
  switch (name) {
    case 'Play': {
      const loop = integer(node, 'loop', 1, 0, 1000);
      const digits = attr(node, 'digits');
      if (digits !== undefined) {
        if (!DIGITS.test(digits)) throw new TwimlParseError('<Play digits> may only hold 0-9, *, # and w');
        return { verb: 'Play', digits, loop };
      }
      const url = text(node);
      if (!url) throw new TwimlParseError('<Play> needs digits or a URL');
      return { verb: 'Play', url, loop };
    }
    case 'Say':
      return { verb: 'Say', text: text(node), loop: integer(node, 'loop', 1, 0, 1000) };
    case 'Pause':
      return { verb: 'Pause', lengthSeconds: integer(node, 'length', 1, 0, 86_400) };
    case 'Dial':
      return dial(node);
    case 'Connect': {
      const streamNode = children(node).find((c) => elementName(c) === 'Stream');
      const action = attr(node, 'action');
      const method = attr(node, 'method')?.toUpperCase() === 'GET' ? 'GET' : 'POST';
      const connected = streamNode ? stream(streamNode) : undefined;
      if (connected?.track && connected.track !== 'inbound_track') {
        throw new TwimlParseError('<Connect><Stream> streams the inbound track only');
      }
      return { verb: name, ...(connected ? { stream: connected } : {}), ...(action ? { action, method } : {}) };
    }
    case 'Start': {
      const streamNode = children(node).find((c) => elementName(c) === 'Stream');
      return { verb: name, ...(streamNode ? { stream: stream(streamNode) } : {}) };
    }
    case 'Stop': {
      const streamNode = children(node).find((c) => elementName(c) === 'Stream');
      const streamName = streamNode ? attr(streamNode, 'name') : undefined;
      return { verb: 'Stop', ...(streamName ? { streamName } : {}) };
    }
    case 'Gather': {
      const action = attr(node, 'action');
      return {
        verb: 'Gather',
        steps: steps(children(node)),
        timeoutSeconds: integer(node, 'timeout', 5, 0, 600),
        ...(action ? { action } : {}),
      };
    }
    case 'Redirect': {
      const url = text(node);
      if (!url) throw new TwimlParseError('<Redirect> needs a URL');
      return { verb: 'Redirect', url, method: attr(node, 'method')?.toUpperCase() === 'GET' ? 'GET' : 'POST' };
    }
    case 'Hangup':
      return { verb: 'Hangup' };
    case 'Reject':
      return { verb: 'Reject', reason: attr(node, 'reason') ?? 'rejected' };
    default:
      return { verb: 'Unsupported', name };
  }
}

function dial(node: XmlNode): DialStep {
  const targets: DialTarget[] = [];
  const bare = text(node);
  if (bare) targets.push({ kind: 'number', value: bare });
  for (const child of children(node)) {
    const kind = DIAL_NOUNS[elementName(child) ?? ''];
    if (!kind) continue;
    const sendDigits = kind === 'number' ? attr(child, 'sendDigits') : undefined;
    if (sendDigits !== undefined && !DIGITS.test(sendDigits)) {
      throw new TwimlParseError('<Number sendDigits> may only hold 0-9, *, # and w');
    }
    const url = kind === 'number' || kind === 'sip' || kind === 'client' ? attr(child, 'url') : undefined;
    const urlMethod = attr(child, 'method')?.toUpperCase() === 'GET' ? 'GET' : 'POST';
    targets.push({
      kind,
      value: text(child),
      ...(sendDigits ? { sendDigits } : {}),
      ...(url ? { url, urlMethod } : {}),
    });
  }
  if (targets.length === 0 || targets.some((t) => !t.value)) throw new TwimlParseError('<Dial> needs a target');
  const action = attr(node, 'action');
  const callerId = attr(node, 'callerId');
  return {
    verb: 'Dial',
    targets,
    timeoutSeconds: integer(node, 'timeout', 30, 5, 600),
    method: attr(node, 'method')?.toUpperCase() === 'GET' ? 'GET' : 'POST',
    ...(action ? { action } : {}),
    ...(callerId ? { callerId } : {}),
  };
}

function stream(node: XmlNode): StreamRequest {
  const url = attr(node, 'url');
  if (!url || !/^wss?:\/\//.test(url)) throw new TwimlParseError('<Stream url> must be a ws:// or wss:// URL');
  const parameters: Record<string, string> = {};
  for (const child of children(node)) {
    if (elementName(child) !== 'Parameter') continue;
    const name = attr(child, 'name');
    if (name) parameters[name] = attr(child, 'value') ?? '';
  }
  const name = attr(node, 'name');
  const track = attr(node, 'track');
  if (track !== undefined && !TRACKS.has(track)) {
    throw new TwimlParseError('<Stream track> must be inbound_track, outbound_track or both_tracks');
  }
  return { url, parameters, ...(name ? { name } : {}), ...(track ? { track } : {}) };
}
