import { parseFormBody } from './webhook-fields';

describe('parseFormBody', () => {
  it('keeps repeated names as arrays in the order sent', () => {
    expect(parseFormBody('a=1&b=2&a=3')).toEqual({ a: ['1', '3'], b: '2' });
  });

  it('decodes + as space and percent escapes', () => {
    expect(parseFormBody(Buffer.from('Caller=%2B15017122661&Name=Ada+Lovelace'))).toEqual({
      Caller: '+15017122661',
      Name: 'Ada Lovelace',
    });
  });

  it('keeps __proto__ as an own field', () => {
    const fields = parseFormBody('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.hasOwn(fields, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
