import { devAccountTimings } from './accounts.service';

const defaults = { SIM_HOLD_MIN_SECONDS: 120, SIM_HOLD_MAX_SECONDS: 900 };

describe("the dev accounts' timings", () => {
  it('are the defaults (nothing of their own) unless SIM_DEV_* set them', () => {
    expect(devAccountTimings(defaults)).toEqual({});
  });

  it("take the demo's hold range and time scale", () => {
    expect(devAccountTimings({ ...defaults, SIM_DEV_HOLD_MIN_SECONDS: 30, SIM_DEV_HOLD_MAX_SECONDS: 90 })).toEqual({
      holdSeconds: { min: 30, max: 90 },
    });
    expect(devAccountTimings({ ...defaults, SIM_DEV_TIME_SCALE: 4 })).toEqual({ timeScale: 4 });
    // One end set: the other is the default, never below it.
    expect(devAccountTimings({ ...defaults, SIM_DEV_HOLD_MIN_SECONDS: 1000 })).toEqual({
      holdSeconds: { min: 1000, max: 1000 },
    });
    expect(devAccountTimings({ ...defaults, SIM_DEV_HOLD_MAX_SECONDS: 60 })).toEqual({
      holdSeconds: { min: 60, max: 60 },
    });
  });

  it('refuse a range whose minimum exceeds its maximum', () => {
    expect(() =>
      devAccountTimings({ ...defaults, SIM_DEV_HOLD_MIN_SECONDS: 100, SIM_DEV_HOLD_MAX_SECONDS: 50 }),
    ).toThrow(/must not exceed/);
  });
});
