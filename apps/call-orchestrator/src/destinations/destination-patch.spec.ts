import { ErrorCode } from '@callfleet/contracts';
import { applyDestinationPatch, type DestinationFields } from './destination-patch';

const queue: DestinationFields = {
  name: 'Queue',
  kind: 'phone',
  number: '+15550100100',
  sendDigits: 'ww12#',
  uri: null,
};
const pbx: DestinationFields = {
  name: 'PBX',
  kind: 'sip',
  number: null,
  sendDigits: null,
  uri: 'sip:desk@pbx.example',
};

const refusal = (field: string) =>
  expect.objectContaining({
    code: ErrorCode.VALIDATION_ERROR,
    details: { fields: [expect.objectContaining({ field })] },
  });

describe('destination patches', () => {
  it('change only the fields given', () => {
    expect(applyDestinationPatch(queue, { name: 'Sales' })).toEqual({ ...queue, name: 'Sales' });
    expect(applyDestinationPatch(queue, { number: '+15550100101' })).toEqual({ ...queue, number: '+15550100101' });
    expect(applyDestinationPatch(pbx, { uri: 'sips:desk@pbx.example:5061' })).toEqual({
      ...pbx,
      uri: 'sips:desk@pbx.example:5061',
    });
  });

  it('remove the digits with null', () => {
    expect(applyDestinationPatch(queue, { sendDigits: null })).toEqual({ ...queue, sendDigits: null });
  });

  it("switch kind with the new kind's field, dropping the old kind's", () => {
    expect(applyDestinationPatch(queue, { kind: 'sip', uri: 'sip:q@pbx.example' })).toEqual({
      name: 'Queue',
      kind: 'sip',
      number: null,
      sendDigits: null,
      uri: 'sip:q@pbx.example',
    });
    expect(applyDestinationPatch(pbx, { kind: 'phone', number: '+15550100100' })).toEqual({
      name: 'PBX',
      kind: 'phone',
      number: '+15550100100',
      sendDigits: null,
      uri: null,
    });
  });

  it("refuse a switch without the new kind's field, and fields of the other kind", () => {
    expect(() => applyDestinationPatch(queue, { kind: 'sip' })).toThrow(refusal('uri'));
    expect(() => applyDestinationPatch(pbx, { kind: 'phone' })).toThrow(refusal('number'));
    expect(() => applyDestinationPatch(queue, { uri: 'sip:a@b' })).toThrow(refusal('uri'));
    expect(() => applyDestinationPatch(pbx, { number: '+15550100100' })).toThrow(refusal('number'));
    expect(() => applyDestinationPatch(pbx, { sendDigits: '1' })).toThrow(refusal('sendDigits'));
    expect(applyDestinationPatch(pbx, { sendDigits: null })).toEqual(pbx);
  });
});
