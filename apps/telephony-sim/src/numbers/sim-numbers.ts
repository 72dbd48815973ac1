import { createHash } from 'node:crypto';
import type { ProviderFlavour } from '../accounts/sim-account';

/** The most numbers an account may have: the last four digits run 1000–9999. */
export const MAX_SIM_NUMBERS = 9000;
/**
 * The last four digits of an account's numbers start here: every scenario suffix of the dialed number
 * (`0001`…`0009`, `0429`, `0500`, `0503`, `0504`) begins with 0, so a line's own number never picks one.
 */
const FIRST_SUFFIX = 1000;

/** A number (Twilio, Exotel) or user extension (RingCentral) of a simulated account. */
export interface SimNumber {
  /** Twilio `PN…` sid, ExoPhone sid, RingCentral extension id. */
  sid: string;
  /** E.164 number; RingCentral: the extension number. */
  number: string;
  label: string;
}

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join(':')).digest('hex');
}

/**
 * The account's first `count` numbers, the same on every start: number i is always the same, so
 * lowering the count drops the last ones and keeps the others (and their sids) as they were. The
 * exchange comes from the account sid, so two accounts' numbers differ.
 */
export function simNumbers(flavour: ProviderFlavour, accountSid: string, count: number): SimNumber[] {
  const exchange = 200 + (Number.parseInt(digest(accountSid).slice(0, 6), 16) % 800);
  const numbers: SimNumber[] = [];
  for (let i = 0; i < Math.min(count, MAX_SIM_NUMBERS); i++) {
    const suffix = String(FIRST_SUFFIX + i);
    if (flavour === 'twilio') {
      numbers.push({
        sid: `PN${digest(accountSid, String(i)).slice(0, 32)}`,
        number: `+1${exchange}555${suffix}`,
        label: `(${exchange}) 555-${suffix}`,
      });
    } else if (flavour === 'exotel') {
      const national = `804${exchange}${suffix}`;
      numbers.push({ sid: `0${national}`, number: `+91${national}`, label: `ExoPhone ${i + 1}` });
    } else {
      numbers.push({ sid: String(200_000_001 + i), number: suffix, label: `Agent ${i + 1}` });
    }
  }
  return numbers;
}

/** Where one page starts and whether another follows. */
export interface PageWindow {
  start: number;
  end: number;
  hasNext: boolean;
}

/** Items [start, end) of page `page` (from 0) of `size`; past the end an empty page. */
export function pageWindow(total: number, page: number, size: number): PageWindow {
  const start = Math.min(page * size, total);
  const end = Math.min(start + size, total);
  return { start, end, hasNext: end < total };
}
