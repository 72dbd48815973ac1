import { createValidationPipe } from '@callfleet/platform';
import { IVR_SCRIPT_MAX_STEPS, IvrDigitsStepDto, IvrScriptProperty } from './ivr-script.dto';

class WithScript {
  @IvrScriptProperty()
  ivrScript: unknown[];
}

class WithOptionalScript {
  @IvrScriptProperty({ optional: true })
  ivrScript?: unknown[];
}

const pipe = createValidationPipe();
const check = (body: unknown, metatype: new () => object = WithScript) =>
  pipe.transform(body, { type: 'body', metatype });

/** The fields the fleet's validation names in its VALIDATION_ERROR (or [] when the body passed). */
async function refusedFields(body: unknown, metatype?: new () => object): Promise<string[]> {
  try {
    await check(body, metatype);
    return [];
  } catch (error) {
    const details = (error as { details?: { fields: { field: string }[] } }).details;
    if ((error as { code?: string }).code !== 'VALIDATION_ERROR') throw error;
    return details?.fields.map((f) => f.field) ?? ['?'];
  }
}

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
    expect(await refusedFields({ ivrScript: [] })).toEqual([]);
  });

  it('refuses digits outside 0-9 * # w, and TwiML smuggled in as digits', async () => {
    for (const digits of ['', 'a', '1 2', '1,2', '<Hangup/>', '1"/><Redirect>', 'W', '+', '1'.repeat(65), 5]) {
      expect(await refusedFields({ ivrScript: [{ action: 'digits', digits, afterMs: 0 }] })).toEqual([
        'ivrScript.0.digits',
      ]);
    }
  });

  it('refuses unbounded, fractional, negative or non-numeric times', async () => {
    const hostile = [-1, 1.5, 3_600_001, Number.MAX_SAFE_INTEGER, '100', null, Number.NaN];
    for (const ms of hostile) {
      expect(await refusedFields({ ivrScript: [{ action: 'wait', ms }] })).toEqual(['ivrScript.0.ms']);
      expect(await refusedFields({ ivrScript: [{ action: 'digits', digits: '1', afterMs: ms }] })).toEqual([
        'ivrScript.0.afterMs',
      ]);
    }
    expect(await refusedFields({ ivrScript: [{ action: 'wait', ms: 1, jitterMs: 600_001 }] })).toEqual([
      'ivrScript.0.jitterMs',
    ]);
    expect(await refusedFields({ ivrScript: [{ action: 'expect', kind: 'music', timeoutMs: 0 }] })).toEqual([
      'ivrScript.0.timeoutMs',
    ]);
  });

  it("refuses fields that are not the step's own, and unknown actions", async () => {
    expect(await refusedFields({ ivrScript: [{ action: 'wait', ms: 1, digits: '1' }] })).toEqual([
      'ivrScript.0.digits',
    ]);
    const polluted = JSON.parse('{"ivrScript": [{"action": "wait", "ms": 1, "__proto__": {"x": 1}, "extra": {}}]}');
    expect(await refusedFields(polluted)).toContain('ivrScript.0.extra');
    const unknown = await refusedFields({ ivrScript: [{ action: 'hangup', ms: 1 }] });
    expect(unknown).toContain('ivrScript.0.action');
    expect(await refusedFields({ ivrScript: [{ action: 'expect', kind: 'silence', timeoutMs: 5 }] })).toEqual([
      'ivrScript.0.kind',
    ]);
    expect(await refusedFields({ ivrScript: [{ digits: '1', afterMs: 0 }] })).toContain('ivrScript.0.action');
  });

  it('refuses junk where a step or a script should be', async () => {
    for (const step of [null, 1, 'digits', [], [{ action: 'wait', ms: 1 }], true]) {
      expect((await refusedFields({ ivrScript: [step] })).length).toBeGreaterThan(0);
    }
    for (const ivrScript of [null, {}, 'x', { 0: { action: 'wait', ms: 1 } }, 7]) {
      expect(await refusedFields({ ivrScript })).toContain('ivrScript');
    }
  });

  it(`takes ${IVR_SCRIPT_MAX_STEPS} steps and refuses one more (or a body-limit-sized array)`, async () => {
    const step = { action: 'wait', ms: 1 };
    expect(await refusedFields({ ivrScript: Array(IVR_SCRIPT_MAX_STEPS).fill(step) })).toEqual([]);
    expect(await refusedFields({ ivrScript: Array(IVR_SCRIPT_MAX_STEPS + 1).fill(step) })).toEqual(['ivrScript']);
    expect(await refusedFields({ ivrScript: Array(40_000).fill(step) })).toContain('ivrScript');
  });

  it('lets an optional script be absent, but not null', async () => {
    expect(await refusedFields({}, WithOptionalScript)).toEqual([]);
    expect(await refusedFields({}, WithScript)).toEqual(['ivrScript']);
    expect(await refusedFields({ ivrScript: [{ action: 'wait', ms: 2 }] }, WithOptionalScript)).toEqual([]);
  });
});
