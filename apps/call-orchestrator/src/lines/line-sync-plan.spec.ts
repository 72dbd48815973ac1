import { type KnownLine, planLineSync } from './line-sync-plan';

const known = (id: string, providerLineId: string, extra: Partial<KnownLine> = {}): KnownLine => ({
  id,
  providerLineId,
  number: `+1500555${providerLineId.slice(-4)}`,
  label: '',
  removed: false,
  ...extra,
});
const listed = (providerLineId: string, label = '') => ({
  providerLineId,
  number: `+1500555${providerLineId.slice(-4)}`,
  label,
});

describe('planLineSync', () => {
  it('adds every line of a first sync', () => {
    const plan = planLineSync([], [listed('PN1001'), listed('PN1002')]);
    expect(plan).toEqual({ add: [listed('PN1001'), listed('PN1002')], update: [], remove: [] });
  });

  it('changes nothing when the provider lists the same lines again', () => {
    expect(planLineSync([known('a', 'PN1001'), known('b', 'PN1002')], [listed('PN1002'), listed('PN1001')])).toEqual({
      add: [],
      update: [],
      remove: [],
    });
  });

  it('updates a changed label or number, and removes what is no longer listed', () => {
    const plan = planLineSync(
      [known('a', 'PN1001'), known('b', 'PN1002'), known('c', 'PN1003')],
      [listed('PN1001', 'Sales'), listed('PN1003')],
    );
    expect(plan).toEqual({ add: [], update: [{ ...listed('PN1001', 'Sales'), id: 'a' }], remove: ['b'] });
  });

  it('brings back a removed line that is listed again, and does not remove a removed line twice', () => {
    const plan = planLineSync(
      [known('a', 'PN1001', { removed: true }), known('b', 'PN1002', { removed: true })],
      [listed('PN1001')],
    );
    expect(plan).toEqual({ add: [], update: [{ ...listed('PN1001'), id: 'a' }], remove: [] });
  });

  it('counts a line listed twice once', () => {
    expect(planLineSync([], [listed('PN1001'), listed('PN1001', 'again')]).add).toEqual([listed('PN1001')]);
  });
});
