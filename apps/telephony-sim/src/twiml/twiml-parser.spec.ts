import { parseTwiml, TwimlParseError } from './twiml-parser';

describe('parseTwiml', () => {
  it('turns a hunt leg document into ordered steps', () => {
    const steps = parseTwiml(`<?xml version="1.0" encoding="UTF-8"?>
      <Response>
        <Play digits="ww1w2"/>
        <Pause length="3"/>
        <Say loop="2">Hello there</Say>
        <Connect><Stream url="wss://media.example/ws" name="leg-1"><Parameter name="legId" value="L1"/></Stream></Connect>
        <Hangup/>
      </Response>`);
    expect(steps).toEqual([
      { verb: 'Play', digits: 'ww1w2', loop: 1 },
      { verb: 'Pause', lengthSeconds: 3 },
      { verb: 'Say', text: 'Hello there', loop: 2 },
      { verb: 'Connect', stream: { url: 'wss://media.example/ws', name: 'leg-1', parameters: { legId: 'L1' } } },
      { verb: 'Hangup' },
    ]);
  });

  it('reads every way of dialing', () => {
    const [bare, queue, many] = parseTwiml(
      '<Response><Dial>+15550001111</Dial><Dial timeout="10" action="/after"><Queue>support</Queue></Dial>' +
        '<Dial><Number>+1555</Number><Client>agent7</Client></Dial></Response>',
    );
    expect(bare).toEqual({
      verb: 'Dial',
      targets: [{ kind: 'number', value: '+15550001111' }],
      timeoutSeconds: 30,
      method: 'POST',
    });
    expect(queue).toMatchObject({
      targets: [{ kind: 'queue', value: 'support' }],
      timeoutSeconds: 10,
      action: '/after',
    });
    expect(many).toMatchObject({ targets: [{ kind: 'number' }, { kind: 'client', value: 'agent7' }] });
  });

  it("reads a hand-off's dial: sendDigits on the number, the action's method, a SIP destination", () => {
    const [number, sip] = parseTwiml(
      '<Response><Dial callerId="+15017122661" timeout="20" action="https://hooks.example/dial" method="GET">' +
        '<Number sendDigits="ww204">+15550001100</Number></Dial><Dial><Sip>sip:queue-1101@pbx.example</Sip></Dial></Response>',
    );
    expect(number).toEqual({
      verb: 'Dial',
      targets: [{ kind: 'number', value: '+15550001100', sendDigits: 'ww204' }],
      timeoutSeconds: 20,
      method: 'GET',
      action: 'https://hooks.example/dial',
      callerId: '+15017122661',
    });
    expect(sip).toMatchObject({ targets: [{ kind: 'sip', value: 'sip:queue-1101@pbx.example' }], method: 'POST' });
    expect(() =>
      parseTwiml('<Response><Dial><Number sendDigits="1&quot;/&gt;">+1555</Number></Dial></Response>'),
    ).toThrow(TwimlParseError);
  });

  it("reads a destination's whisper URL (asked when it answers) and its method", () => {
    const [dial] = parseTwiml(
      '<Response><Dial><Number url="https://hooks.example/v?handoff=1&#38;answered=1">+15550001100</Number>' +
        '<Sip url="/answered" method="GET">sip:q@pbx.example</Sip><Queue url="/ignored">support</Queue></Dial></Response>',
    );
    expect(dial).toMatchObject({
      targets: [
        {
          kind: 'number',
          value: '+15550001100',
          url: 'https://hooks.example/v?handoff=1&answered=1',
          urlMethod: 'POST',
        },
        { kind: 'sip', value: 'sip:q@pbx.example', url: '/answered', urlMethod: 'GET' },
        { kind: 'queue', value: 'support' },
      ],
    });
    expect((dial as { targets: { url?: string }[] }).targets[2].url).toBeUndefined();
  });

  it('reads forks, their tracks, their stop, and a connected stream with an action', () => {
    expect(
      parseTwiml(
        '<Response><Start><Stream url="wss://m/ws" name="ears" track="both_tracks"><Parameter name="token" value="t"/></Stream></Start>' +
          '<Stop><Stream name="ears"/></Stop><Stop><Stream/></Stop>' +
          '<Connect action="/after"><Stream url="ws://m/bot"/></Connect></Response>',
      ),
    ).toEqual([
      { verb: 'Start', stream: { url: 'wss://m/ws', name: 'ears', track: 'both_tracks', parameters: { token: 't' } } },
      { verb: 'Stop', streamName: 'ears' },
      { verb: 'Stop' },
      { verb: 'Connect', stream: { url: 'ws://m/bot', parameters: {} }, action: '/after', method: 'POST' },
    ]);
  });

  it('keeps unknown verbs as unsupported instead of failing the call', () => {
    expect(parseTwiml('<Response><Enqueue>q</Enqueue></Response>')).toEqual([{ verb: 'Unsupported', name: 'Enqueue' }]);
    expect(parseTwiml('<Response/>')).toEqual([]);
  });

  it.each([
    ['not XML', 'hello'],
    ['unclosed tags', '<Response><Play>'],
    ['another root', '<Document><Hangup/></Document>'],
    ['bad digits', '<Response><Play digits="12a"/></Response>'],
    ['a negative pause', '<Response><Pause length="-1"/></Response>'],
    ['an entity bomb', '<!DOCTYPE r [<!ENTITY a "aaaa">]><Response><Say>&a;</Say></Response>'],
    ['a stream that is not a WebSocket', '<Response><Connect><Stream url="http://x"/></Connect></Response>'],
    ['an unknown stream track', '<Response><Start><Stream url="wss://x" track="left"/></Start></Response>'],
    [
      'a connected stream of the outbound track',
      '<Response><Connect><Stream url="wss://x" track="outbound_track"/></Connect></Response>',
    ],
    ['a dial without a target', '<Response><Dial></Dial></Response>'],
  ])('refuses %s', (_, document) => {
    expect(() => parseTwiml(document)).toThrow(TwimlParseError);
  });

  it('reads escaped URLs and texts as an XML parser does (their query and ampersands kept)', () => {
    const [redirect, dial, say] = parseTwiml(
      '<Response><Redirect method="POST">http://h/voice?call=c1&#38;resume=1&amp;x=&#x26;</Redirect>' +
        '<Dial action="http://h/voice?call=c1&#38;handoff=7&amp;attempt=2"><Number>+15550001111</Number></Dial>' +
        '<Say>Tom &amp; Jerry &#60;3 &bogus; &#99999999;</Say></Response>',
    );
    expect(redirect).toEqual({ verb: 'Redirect', url: 'http://h/voice?call=c1&resume=1&x=&', method: 'POST' });
    expect(dial).toMatchObject({ action: 'http://h/voice?call=c1&handoff=7&attempt=2' });
    expect(say).toMatchObject({ text: 'Tom & Jerry <3 &bogus; &#99999999;' });
  });

  it('refuses a document that is too large', () => {
    expect(() => parseTwiml(`<Response>${'<Pause/>'.repeat(10_000)}</Response>`)).toThrow(/too large/);
  });
});
