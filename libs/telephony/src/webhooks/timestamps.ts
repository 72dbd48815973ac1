/** ISO 8601 of a provider time, or undefined when it is absent or unreadable. */
export function isoFromDate(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** Unix seconds (as Standard Webhooks' header carries them) to ISO 8601. */
export function isoFromUnixSeconds(text: string | undefined): string | undefined {
  if (!text || !/^\d{1,12}$/.test(text)) return undefined;
  return new Date(Number(text) * 1000).toISOString();
}

/** "YYYY-MM-DD HH:mm:ss" without a zone (Exotel), read at the given UTC offset. */
export function isoFromZonelessTime(text: string | undefined, utcOffset: string): string | undefined {
  const match = text?.trim().match(/^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/);
  if (!match || !/^[+-]\d{2}:\d{2}$/.test(utcOffset)) return undefined;
  return isoFromDate(`${match[1]}T${match[2]}${utcOffset}`);
}
