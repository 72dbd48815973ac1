import { refusedFields } from '@callfleet/testing';
import { CreateDestinationDto, DestinationPatchDto, UpdateDestinationDto } from './destination.dto';

const create = (body: unknown) => refusedFields(CreateDestinationDto, body);

describe('destination validation', () => {
  it('takes a phone (with or without digits) and a SIP URI', async () => {
    expect(await create({ name: 'Queue', kind: 'phone', number: '+15550100100' })).toEqual([]);
    expect(await create({ name: 'Queue', kind: 'phone', number: '+442071838750', sendDigits: 'ww123#*' })).toEqual([]);
    for (const uri of [
      'sip:desk@pbx.example.com',
      'sips:queue@10.0.0.5:5061;transport=tls',
      'sip:pbx.example.com',
      'sip:+15550100100@trunk.example.com;user=phone',
    ]) {
      expect(await create({ name: 'Desk', kind: 'sip', uri, isDefault: true })).toEqual([]);
    }
  });

  it('refuses XML, quotes, spaces and other schemes in a SIP URI, and a huge one', async () => {
    for (const uri of [
      'sip:a@b"/><Redirect>http://evil/</Redirect><Sip>sip:x@y',
      "sip:a@b' onload='x",
      'sip:a@b&amp;',
      'sip:a b@c',
      'sip:a@b\n<Hangup/>',
      'tel:+15550100100',
      'http://example.com',
      'SIP:a@b',
      'sip:',
      `sip:${'a'.repeat(300)}@b.example`,
      `sip:a@${'b'.repeat(1_000_000)}`,
    ]) {
      expect(await create({ name: 'x', kind: 'sip', uri })).toEqual(['uri']);
    }
  });

  it('refuses digits outside 0-9 * # w, numbers that are not E.164, and huge names', async () => {
    for (const sendDigits of ['', 'a', '1 2', '1,2', 'W', '<Play/>', '1'.repeat(65), 12]) {
      expect(await create({ name: 'x', kind: 'phone', number: '+15550100100', sendDigits })).toEqual(['sendDigits']);
    }
    for (const number of [
      '5550100100',
      '+0123456789',
      '+1 555 010 0100',
      '+1555',
      `+1${'5'.repeat(15)}`,
      15550100100,
    ]) {
      expect(await create({ name: 'x', kind: 'phone', number })).toEqual(['number']);
    }
    expect(await create({ name: 'x'.repeat(101), kind: 'phone', number: '+15550100100' })).toEqual(['name']);
    expect(await create({ name: '', kind: 'phone', number: '+15550100100' })).toEqual(['name']);
  });

  it("requires its kind's field and refuses the other kind's", async () => {
    expect(await create({ name: 'x', kind: 'phone' })).toEqual(['number']);
    expect(await create({ name: 'x', kind: 'sip' })).toEqual(['uri']);
    expect(await create({ name: 'x', kind: 'phone', number: '+15550100100', uri: 'sip:a@b' })).toEqual(['uri']);
    expect(await create({ name: 'x', kind: 'sip', uri: 'sip:a@b', number: '+15550100100' })).toEqual(['number']);
    expect(await create({ name: 'x', kind: 'sip', uri: 'sip:a@b', sendDigits: '1' })).toEqual(['sendDigits']);
    expect(await create({ name: 'x', kind: 'fax', number: '+15550100100' })).toContain('kind');
  });

  it('refuses nested junk and unknown fields', async () => {
    const phone = { name: 'x', kind: 'phone', number: '+15550100100' };
    expect(await create({ ...phone, extra: 1 })).toEqual(['extra']);
    expect(await create({ ...phone, name: { toString: 'x' } })).toEqual(['name']);
    expect(await create({ ...phone, number: ['+15550100100'] })).toEqual(['number']);
    expect(await create({ ...phone, isDefault: 'true' })).toEqual(['isDefault']);
    expect(
      await create(JSON.parse('{"name":"x","kind":"phone","number":"+15550100100","__proto__":{"isDefault":true}}')),
    ).toEqual([]);
  });

  it('lets a patch carry any field alone, sendDigits null, and an update needs a UUID', async () => {
    expect(await refusedFields(DestinationPatchDto, {})).toEqual([]);
    expect(await refusedFields(DestinationPatchDto, { sendDigits: null })).toEqual([]);
    expect(await refusedFields(DestinationPatchDto, { uri: 'sip:a@b<' })).toEqual(['uri']);
    expect(await refusedFields(DestinationPatchDto, { kind: 'sip', isDefault: 1 })).toEqual(['isDefault']);
    for (const field of ['name', 'kind', 'number', 'uri', 'isDefault']) {
      expect(await refusedFields(DestinationPatchDto, { [field]: null })).toEqual([field]);
    }
    expect(await refusedFields(UpdateDestinationDto, { id: 'x', name: 'y' })).toEqual(['id']);
    expect(await refusedFields(UpdateDestinationDto, { id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' })).toEqual([]);
  });
});
