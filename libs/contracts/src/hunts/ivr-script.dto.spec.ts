import { refusedFields, validated } from '@callfleet/testing';
import { IVR_SCRIPT_MAX_STEPS, IvrDigitsStepDto, IvrScriptProperty } from './ivr-script.dto';

class WithScript {
  @IvrScriptProperty()
  ivrScript: unknown[];
}

class WithOptionalScript {
  @IvrScriptProperty({ optional: true })
  ivrScript?: unknown[];
}

const check = (body: unknown, metatype: new () => object = WithScript) => validated(metatype, body);
const refused = (body: unknown, metatype: new () => object = WithScript) => refusedFields(metatype, body);

describe('IVR script validation', () => {
  it('takes the three kinds of step, each as its own class, in order', async () => {
    const body = {
      ivrScript: [
        { action: 'digits', digits: '1', afterMs: 15000, jitterMs: 3000 },
        { action: 'wait', ms: 45000, jitterMs: 3000 },
        { action: 'expect', kind: 'speech', timeoutMs: 30000 },
        { action: 'digits', digits: 'ww12*#', afterMs: 0 },
      ],
    };
    const dto = (await check(body)) as WithScript;
    expect(dto.ivrScript).toEqual(body.ivrScript);
    expect(dto.ivrScript[0]).toBeInstanceOf(IvrDigitsStepDto);
    expect(await refused({ ivrScript: [] })).toEqual([]);
  });

  it('refuses digits outside 0-9 * # w, and TwiML smuggled in as digits', async () => {
    for (const digits of ['', 'a', '1 2', '1,2', '<Hangup/>', '1"/><Redirect>', 'W', '+', '1'.repeat(65), 5]) {
      expect(await refused({ ivrScript: [{ action: 'digits', digits, afterMs: 0 }] })).toEqual(['ivrScript.0.digits']);
    }
  });

  it('refuses unbounded, fractional, negative or non-numeric times', async () => {
    const hostile = [-1, 1.5, 3_600_001, Number.MAX_SAFE_INTEGER, '100', null, Number.NaN];
    for (const ms of hostile) {
      expect(await refused({ ivrScript: [{ action: 'wait', ms }] })).toEqual(['ivrScript.0.ms']);
      expect(await refused({ ivrScript: [{ action: 'digits', digits: '1', afterMs: ms }] })).toEqual([
        'ivrScript.0.afterMs',
      ]);
    }
    expect(await refused({ ivrScript: [{ action: 'wait', ms: 1, jitterMs: 600_001 }] })).toEqual([
      'ivrScript.0.jitterMs',
    ]);
    expect(await refused({ ivrScript: [{ action: 'expect', kind: 'music', timeoutMs: 0 }] })).toEqual([
      'ivrScript.0.timeoutMs',
    ]);
  });

  it("refuses fields that are not the step's own, and unknown actions", async () => {
    expect(await refused({ ivrScript: [{ action: 'wait', ms: 1, digits: '1' }] })).toEqual(['ivrScript.0.digits']);
    const polluted = JSON.parse('{"ivrScript": [{"action": "wait", "ms": 1, "__proto__": {"x": 1}, "extra": {}}]}');
    expect(await refused(polluted)).toContain('ivrScript.0.extra');
    const unknown = await refused({ ivrScript: [{ action: 'hangup', ms: 1 }] });
    expect(unknown).toContain('ivrScript.0.action');
    expect(await refused({ ivrScript: [{ action: 'expect', kind: 'silence', timeoutMs: 5 }] })).toEqual([
      'ivrScript.0.kind',
    ]);
    expect(await refused({ ivrScript: [{ digits: '1', afterMs: 0 }] })).toContain('ivrScript.0.action');
  });

  it('refuses junk where a step or a script should be', async () => {
    for (const step of [null, 1, 'digits', [], [{ action: 'wait', ms: 1 }], true]) {
      expect((await refused({ ivrScript: [step] })).length).toBeGreaterThan(0);
    }
    for (const ivrScript of [null, {}, 'x', { 0: { action: 'wait', ms: 1 } }, 7]) {
      expect(await refused({ ivrScript })).toContain('ivrScript');
    }
  });

  it(`takes ${IVR_SCRIPT_MAX_STEPS} steps and refuses one more (or a body-limit-sized array)`, async () => {
    const step = { action: 'wait', ms: 1 };
    expect(await refused({ ivrScript: Array(IVR_SCRIPT_MAX_STEPS).fill(step) })).toEqual([]);
    expect(await refused({ ivrScript: Array(IVR_SCRIPT_MAX_STEPS + 1).fill(step) })).toEqual(['ivrScript']);
    expect(await refused({ ivrScript: Array(40_000).fill(step) })).toContain('ivrScript');
  });

  it('lets an optional script be absent, but not null', async () => {
    expect(await refused({}, WithOptionalScript)).toEqual([]);
    expect(await refused({}, WithScript)).toEqual(['ivrScript']);
    expect(await refused({ ivrScript: [{ action: 'wait', ms: 2 }] }, WithOptionalScript)).toEqual([]);
  });
});
