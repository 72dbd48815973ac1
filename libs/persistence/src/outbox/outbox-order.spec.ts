import { publishableInOrder } from './outbox-order';

const row = (id: number, orderKey: string | null = null) => ({ id: String(id), orderKey });

describe('publishableInOrder', () => {
  it('publishes claimed rows by id, numerically (10 after 9)', () => {
    expect(publishableInOrder([row(10), row(9), row(11)], new Map()).map((r) => r.id)).toEqual(['9', '10', '11']);
  });

  it('holds back a row of a key whose earlier unsent row another relay holds', () => {
    const claimed = [row(1, 'org-a'), row(3, 'org-a'), row(4, 'org-b')];
    const publishable = publishableInOrder(claimed, new Map([['org-a', '2']]));
    expect(publishable.map((r) => r.id)).toEqual(['1', '4']);
  });

  it('holds back every row of a key whose first unsent row is not in this pass', () => {
    const publishable = publishableInOrder([row(5, 'call-1'), row(6, 'call-1')], new Map([['call-1', '2']]));
    expect(publishable).toEqual([]);
  });

  it('never holds back rows without a key', () => {
    const publishable = publishableInOrder([row(5), row(6, 'k')], new Map([['k', '1']]));
    expect(publishable.map((r) => r.id)).toEqual(['5']);
  });
});
