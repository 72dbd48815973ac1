import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { natsPasswordEnv } from '../nats/nats-server-config';

/**
 * The NATS users' passwords of a fleet, as an env file: one `NATS_PASSWORD_<USER>=<password>` line per
 * user, the variables compose and Kubernetes give nats-server. `npm start` keeps its own in
 * `.data/nats/passwords.env`; a fleet joining another broker (NATS_URL) reads a file of the same shape.
 */

export type NatsPasswords = Readonly<Record<string, string>>;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * 32 letters and digits (190 bits), starting with a letter: nats-server parses an env reference's
 * value as config text, where a leading digit or a sign would read as a number.
 */
export function newNatsPassword(): string {
  const chars = Array.from({ length: 32 }, (_, i) => ALPHABET[randomInt(i === 0 ? 52 : ALPHABET.length)]);
  return chars.join('');
}

/** The passwords by user found in an env file's text (comments and other variables ignored). */
export function parseNatsPasswords(text: string, users: readonly string[]): Record<string, string> {
  const byEnv = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(NATS_PASSWORD_[A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) byEnv.set(match[1], match[2].replace(/^(['"])(.*)\1$/, '$2'));
  }
  return Object.fromEntries(
    users.filter((u) => byEnv.get(natsPasswordEnv(u))).map((u) => [u, byEnv.get(natsPasswordEnv(u)) as string]),
  );
}

export function renderNatsPasswords(passwords: NatsPasswords): string {
  const lines = Object.entries(passwords).map(([user, password]) => `${natsPasswordEnv(user)}=${password}`);
  return `# NATS users' passwords of this fleet (npm start). Keep private; delete to get new ones.\n${lines.join('\n')}\n`;
}

/** Variables the same shape as the file, for nats-server's env references. */
export function natsPasswordVariables(passwords: NatsPasswords): Record<string, string> {
  return Object.fromEntries(Object.entries(passwords).map(([user, password]) => [natsPasswordEnv(user), password]));
}

/**
 * The fleet's own passwords: read from `file`, a new random one for each user not there yet (first
 * start, or a new service), written back readable by the owner only.
 */
export function ensureNatsPasswords(file: string, users: readonly string[]): NatsPasswords {
  const known = existsSync(file) ? parseNatsPasswords(readFileSync(file, 'utf8'), users) : {};
  const passwords = Object.fromEntries(users.map((u) => [u, known[u] ?? newNatsPassword()]));
  if (users.some((u) => !known[u])) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, renderNatsPasswords(passwords), { mode: 0o600 });
  }
  // The mode given to writeFileSync applies only when it creates the file.
  chmodSync(file, 0o600);
  return passwords;
}

/**
 * Passwords given for another broker, of any of `users`; each of `required` (the services about to
 * start) must have one, or the error names the missing variables.
 */
export function readGivenNatsPasswords(
  file: string,
  users: readonly string[],
  required: readonly string[],
): NatsPasswords {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`NATS_PASSWORDS_FILE ${file} cannot be read: ${(error as NodeJS.ErrnoException).code}`);
  }
  const passwords = parseNatsPasswords(text, users);
  const missing = required.filter((u) => !passwords[u]).map(natsPasswordEnv);
  if (missing.length) throw new Error(`NATS_PASSWORDS_FILE ${file} has no ${missing.join(', ')}`);
  return passwords;
}
