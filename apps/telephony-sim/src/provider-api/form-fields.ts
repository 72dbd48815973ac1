/** A parsed form body: a repeated field is an array (Fastify's urlencoded parser). */
export type FormFields = Record<string, string | string[] | undefined>;

export function formValues(form: FormFields | undefined, name: string): string[] {
  const value = form?.[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The field's value; a repeated single-valued field counts by its last value, as most servers do. */
export function formValue(form: FormFields | undefined, name: string): string | undefined {
  const values = formValues(form, name);
  const last = values[values.length - 1];
  return last === undefined || last === '' ? undefined : last;
}

export function isForm(body: unknown): body is FormFields {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && !Buffer.isBuffer(body);
}

/**
 * A callback URL from a request: absolute http(s), or relative to the account's webhook base.
 * Returns undefined when it is neither (the caller answers with its provider's error).
 */
export function resolveCallbackUrl(value: string, base: string | undefined): string | undefined {
  if (/^https?:\/\//i.test(value)) return URL.canParse(value) ? value : undefined;
  if (!base || !value.startsWith('/')) return undefined;
  return URL.canParse(base + value) ? base + value : undefined;
}
