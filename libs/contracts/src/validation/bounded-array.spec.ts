import { refusedFields, validated } from '@callfleet/testing';
import { IsInt } from 'class-validator';
import { BoundedArrayOf } from './bounded-array';

class Item {
  @IsInt()
  n: number;
}

class Other {
  @IsInt()
  m: number;
}

class Holder {
  @BoundedArrayOf(3, (item) => ('m' in item ? Other : Item))
  items: (Item | Other)[];
}

const fieldsRefused = (body: unknown) => refusedFields(Holder, body);

describe('BoundedArrayOf', () => {
  it('validates each element as the class picked for it', async () => {
    const dto = await validated(Holder, { items: [{ n: 1 }, { m: 2 }] });
    expect(dto.items[0]).toBeInstanceOf(Item);
    expect(dto.items[1]).toBeInstanceOf(Other);
    expect(await fieldsRefused({ items: [{ n: 'x' }, { m: 1.5 }] })).toEqual(['items.0.n', 'items.1.m']);
    expect(await fieldsRefused({ items: [{ n: 1, m: 2 }] })).toEqual(['items.0.n']);
  });

  it('refuses non-objects (null included) with VALIDATION_ERROR, not a crash', async () => {
    for (const element of [null, 3, 'a', [], [{ n: 1 }], true]) {
      expect(await fieldsRefused({ items: [element] })).toContain('items');
    }
    for (const items of [null, 'a', { 0: { n: 1 } }]) {
      expect(await fieldsRefused({ items })).toContain('items');
    }
  });

  it('refuses one element too many, and a huge array, as too long', async () => {
    expect(await fieldsRefused({ items: [{ n: 1 }, { n: 2 }, { n: 3 }] })).toEqual([]);
    expect(await fieldsRefused({ items: Array(4).fill({ n: 1 }) })).toEqual(['items']);
    expect(await fieldsRefused({ items: Array(100_000).fill({ n: 'bad' }) })).toContain('items');
  });
});
