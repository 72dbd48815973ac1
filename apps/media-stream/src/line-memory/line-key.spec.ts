import { lineMemoryKey } from './line-key';

describe('lineMemoryKey', () => {
  const orgId = '0b6f3c2e-8a4d-4f7e-9c1b-2d3e4f5a6b7c';

  it('is the org, a dot and a fixed-length hash: a valid KV key whatever the line holds', () => {
    const key = lineMemoryKey(orgId, '+1 (555) 000-1111 ext. 9/ü');
    expect(key).toMatch(/^0b6f3c2e-8a4d-4f7e-9c1b-2d3e4f5a6b7c\.[0-9a-f]{32}$/);
    expect(key).not.toContain('555');
  });

  it('is the same for the same line and differs across lines and orgs', () => {
    expect(lineMemoryKey(orgId, 'target-1')).toBe(lineMemoryKey(orgId, 'target-1'));
    expect(lineMemoryKey(orgId, 'target-1')).not.toBe(lineMemoryKey(orgId, 'target-2'));
    expect(lineMemoryKey(orgId, 'target-1')).not.toBe(
      lineMemoryKey('1b6f3c2e-8a4d-4f7e-9c1b-2d3e4f5a6b7c', 'target-1'),
    );
  });
});
