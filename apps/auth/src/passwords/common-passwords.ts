import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'common-passwords.txt';

/** Parses the list: one lowercase password a line, `#` starts a comment line. */
export function parseCommonPasswords(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line && !line.startsWith('#')),
  );
}

/**
 * Reads the checked-in list. `tsc` does not copy text files to dist/, so a built service looks in
 * the source tree it was built from as well. A missing list stops the start: silently accepting
 * every password would be worse.
 */
export function loadCommonPasswords(): Set<string> {
  const candidates = [join(__dirname, FILE), join(__dirname.replace(/([\\/])dist([\\/])/, '$1'), FILE)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error(`${FILE} not found (looked in ${candidates.join(', ')})`);
  return parseCommonPasswords(readFileSync(path, 'utf8'));
}
