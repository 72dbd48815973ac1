import { NormalizedTelephonyEvent } from '@callfleet/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/** What the contract's validation (as consumers run it) finds wrong in these events; empty when valid. */
export function contractProblems(events: readonly NormalizedTelephonyEvent[]): string[] {
  return events.flatMap((event) =>
    validateSync(plainToInstance(NormalizedTelephonyEvent, event), {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
    }).map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`),
  );
}
