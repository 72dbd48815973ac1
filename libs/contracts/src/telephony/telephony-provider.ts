/** The telephony providers whose webhooks the fleet accepts. `generic` is any sender speaking Standard Webhooks. */
export const TELEPHONY_PROVIDERS = ['twilio', 'exotel', 'ringcentral', 'jambonz', 'generic'] as const;
export type TelephonyProvider = (typeof TELEPHONY_PROVIDERS)[number];

/** Providers whose REST API deletes its copy of a recording (Twilio `DELETE …/Recordings/{sid}`); Exotel's and RingCentral's do not. */
export const PROVIDERS_DELETING_RECORDINGS: readonly TelephonyProvider[] = ['twilio'];

export function isTelephonyProvider(value: unknown): value is TelephonyProvider {
  return typeof value === 'string' && (TELEPHONY_PROVIDERS as readonly string[]).includes(value);
}
