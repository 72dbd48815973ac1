/** One line of a detection manifest (paths relative to the manifest's folder). */
export interface ManifestEntry {
  file: string;
  line?: string;
  /** Audio ms where live speech starts, null = no human, absent = unlabeled. */
  liveHumanAtMs?: number | null;
}

export class ManifestError extends Error {}

/** Parses a JSONL manifest; throws a ManifestError naming the line for anything malformed. */
export function parseManifest(text: string, name = 'manifest'): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ManifestError(`${name}:${i + 1}: not JSON`);
    }
    const v = value as Record<string, unknown>;
    if (!v || typeof v !== 'object' || typeof v.file !== 'string' || !v.file)
      throw new ManifestError(`${name}:${i + 1}: "file" must be a non-empty string`);
    if (v.line !== undefined && typeof v.line !== 'string')
      throw new ManifestError(`${name}:${i + 1}: "line" must be a string`);
    const label = v.liveHumanAtMs;
    if (label !== undefined && label !== null && (typeof label !== 'number' || !Number.isFinite(label) || label < 0))
      throw new ManifestError(`${name}:${i + 1}: "liveHumanAtMs" must be a number ≥ 0 or null`);
    entries.push({
      file: v.file,
      line: v.line as string | undefined,
      liveHumanAtMs: label as number | null | undefined,
    });
  }
  return entries;
}
