import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstBlockedAncestor } from './embedded-postgres';

describe('firstBlockedAncestor (can the postgres account reach the data directory?)', () => {
  const root = mkdtempSync(join(tmpdir(), 'callfleet-reach-'));
  // Neither owner nor group of anything here: only the "other" permission bits count.
  const stranger = { uid: 54_321, gid: 54_321 };

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds a private directory on the way (a repository under /root, say)', () => {
    const home = join(root, 'home');
    mkdirSync(join(home, 'repo', '.data'), { recursive: true });
    chmodSync(root, 0o755);
    chmodSync(home, 0o700);
    expect(firstBlockedAncestor(join(home, 'repo', '.data', 'pg'), stranger)).toBe(home);
  });

  it('finds nothing when every directory on the way may be entered, even if the last ones do not exist yet', () => {
    const open = join(root, 'open');
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755);
    expect(firstBlockedAncestor(join(open, 'not', 'yet', 'pg'), stranger)).toBeUndefined();
  });
});
