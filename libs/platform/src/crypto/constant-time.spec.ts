import { constantTimeEqual } from './constant-time';

describe('constantTimeEqual', () => {
  it('is true only for equal values, strings and buffers alike', () => {
    expect(constantTimeEqual('s3cr3t', 's3cr3t')).toBe(true);
    expect(constantTimeEqual(Buffer.from('s3cr3t'), 's3cr3t')).toBe(true);
    expect(constantTimeEqual('s3cr3t', 's3cr3T')).toBe(false);
  });

  it('refuses values of another length without throwing (timingSafeEqual alone would throw)', () => {
    expect(constantTimeEqual('short', 'much longer value')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
