import { refusedFields, validated } from '@callfleet/testing';
import { CreateTargetDto, isIanaTimeZone, TargetPatchDto } from './target.dto';

const base = { name: 'Tax office', phoneNumber: '+15550100200' };
const create = (body: unknown) => refusedFields(CreateTargetDto, body);
const window = (fields: Record<string, unknown>) => ({
  ...base,
  callingHours: { timeZone: 'UTC', windows: [{ days: [1], from: '09:00', to: '17:00', ...fields }] },
});

describe('target validation', () => {
  it('takes a target with a script, line count and calling hours, and one with only name and number', async () => {
    const body = {
      ...base,
      recommendedLines: 70,
      ivrScript: [{ action: 'digits', digits: '1', afterMs: 0 }],
      callingHours: {
        timeZone: 'America/Argentina/Buenos_Aires',
        windows: [
          { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:30' },
          { days: [6], from: '22:00', to: '02:00' },
          { days: [7], from: '00:00', to: '24:00' },
        ],
      },
    };
    expect(await create(body)).toEqual([]);
    expect(await create(base)).toEqual([]);
    const dto = await validated(CreateTargetDto, body);
    expect(dto.callingHours?.windows).toHaveLength(3);
  });

  it('requires a name and an E.164 number, and bounds the line count', async () => {
    expect(await create({ phoneNumber: base.phoneNumber })).toEqual(['name']);
    expect(await create({ name: 'x' })).toEqual(['phoneNumber']);
    expect(await create({ ...base, name: 'n'.repeat(1_000_000) })).toEqual(['name']);
    for (const recommendedLines of [0, 71, 2.5, '6', null]) {
      expect(await create({ ...base, recommendedLines })).toEqual(['recommendedLines']);
    }
  });

  it('refuses digits outside 0-9 * # w in the script, and junk steps', async () => {
    expect(await create({ ...base, ivrScript: [{ action: 'digits', digits: '1&2', afterMs: 0 }] })).toEqual([
      'ivrScript.0.digits',
    ]);
    expect((await create({ ...base, ivrScript: [{ action: 'wait', ms: 1, junk: { a: [1] } }] })).length).toBe(1);
    expect(await create({ ...base, ivrScript: 'press 1' })).toContain('ivrScript');
  });

  it('takes IANA time zones only', async () => {
    for (const zone of ['UTC', 'Europe/Berlin', 'America/Indiana/Indianapolis', 'Asia/Kolkata']) {
      expect(isIanaTimeZone(zone)).toBe(true);
    }
    for (const zone of [
      'Mars/Olympus',
      '+02:00',
      'GMT+2 ',
      '',
      '../../etc/passwd',
      'Europe/Berlin\u0000',
      'x'.repeat(200),
    ]) {
      expect(isIanaTimeZone(zone)).toBe(false);
      expect(
        await create({
          ...base,
          callingHours: { timeZone: zone, windows: [{ days: [1], from: '09:00', to: '10:00' }] },
        }),
      ).toContain('callingHours.timeZone');
    }
  });

  it('refuses malformed windows', async () => {
    expect(await create(window({ days: [] }))).toEqual(['callingHours.windows.0.days']);
    expect(await create(window({ days: [0] }))).toEqual(['callingHours.windows.0.days']);
    expect(await create(window({ days: [8] }))).toEqual(['callingHours.windows.0.days']);
    expect(await create(window({ days: [1, 1] }))).toEqual(['callingHours.windows.0.days']);
    expect(await create(window({ days: [1, 2, 3, 4, 5, 6, 7, 1] }))).toEqual(['callingHours.windows.0.days']);
    expect(await create(window({ from: '9:00' }))).toEqual(['callingHours.windows.0.from']);
    expect(await create(window({ from: '24:00' }))).toEqual(['callingHours.windows.0.from']);
    expect(await create(window({ to: '24:01' }))).toEqual(['callingHours.windows.0.to']);
    expect(await create(window({ to: '09:00' }))).toEqual(['callingHours.windows.0.to']);
    expect(await create(window({ extra: true }))).toEqual(['callingHours.windows.0.extra']);
    const many = { timeZone: 'UTC', windows: Array(29).fill({ days: [1], from: '09:00', to: '10:00' }) };
    expect(await create({ ...base, callingHours: many })).toEqual(['callingHours.windows']);
    expect(await create({ ...base, callingHours: { timeZone: 'UTC', windows: [] } })).toEqual(['callingHours.windows']);
    expect(await create({ ...base, callingHours: { timeZone: 'UTC', windows: [null] } })).toContain(
      'callingHours.windows',
    );
    expect(await create({ ...base, callingHours: 'weekdays' })).toContain('callingHours');
  });

  it('lets a patch remove calling hours with null, and change one field alone', async () => {
    expect(await refusedFields(TargetPatchDto, { callingHours: null })).toEqual([]);
    expect(await refusedFields(TargetPatchDto, { recommendedLines: 12 })).toEqual([]);
    expect(await refusedFields(TargetPatchDto, { phoneNumber: '12' })).toEqual(['phoneNumber']);
    // null is not "absent" for a field that cannot be null (it would reach a NOT NULL column).
    for (const field of ['name', 'phoneNumber', 'ivrScript', 'recommendedLines']) {
      expect(await refusedFields(TargetPatchDto, { [field]: null })).toEqual([field]);
    }
  });
});
