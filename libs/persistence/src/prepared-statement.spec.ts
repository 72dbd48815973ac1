import { preparedStatement } from './prepared-statement';

describe('preparedStatement', () => {
  it('refuses one name for two texts: a pooled connection would run the first one for both', () => {
    preparedStatement('spec.one', 'SELECT 1');
    expect(() => preparedStatement('spec.one', 'SELECT 1')).not.toThrow();
    expect(() => preparedStatement('spec.one', 'SELECT 2')).toThrow(/declared twice/);
  });
});
