import type { ValueTransformer } from 'typeorm';

/**
 * For a nullable `bigint` column whose values stay far below 2^53 (sizes, fences, sequence numbers):
 * pg returns bigint as a string, this makes it a number (and leaves null alone).
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
