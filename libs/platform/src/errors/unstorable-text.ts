import { isStorableText } from '@callfleet/contracts';

/**
 * Where in a request value (a body, query or path parameters, a NATS payload) the first string
 * PostgreSQL cannot store is, as a dotted path (`''` for the value itself), or undefined when every
 * string, keys included, can be stored. Iterative, like the depth check, and visits each node once.
 */
export function findUnstorableText(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop() as [unknown, string];
    if (typeof current === 'string') {
      if (!isStorableText(current)) return path;
      continue;
    }
    if (current === null || typeof current !== 'object' || ArrayBuffer.isView(current)) continue;
    for (const [key, child] of Object.entries(current)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (!isStorableText(key)) return childPath;
      stack.push([child, childPath]);
    }
  }
  return undefined;
}
