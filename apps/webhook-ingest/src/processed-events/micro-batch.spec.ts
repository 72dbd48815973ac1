import { MicroBatcher } from './micro-batch';

const tick = () => new Promise((r) => setImmediate(r));

describe('MicroBatcher', () => {
  it('runs the first call at once and the calls made meanwhile together, each getting its own answer', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return items.map((n) => n * 10);
      },
      { maxSize: 100, maxConcurrent: 1 },
    );
    const first = batcher.submit(1);
    const rest = [2, 3, 4].map((n) => batcher.submit(n));
    await tick();
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps batch size and runs batches side by side up to the limit', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        await tick();
        return items;
      },
      { maxSize: 2, maxConcurrent: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[1], [2], [3, 4], [5]]);
  });

  it('fails every call of a failed batch, and the next batch runs anyway', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('database down');
        return items;
      },
      { maxSize: 10, maxConcurrent: 1 },
    );
    await expect(batcher.submit(1)).rejects.toThrow('database down');
    await expect(batcher.submit(2)).resolves.toBe(2);
  });
});
