import type { HttpErrorEnvelope } from '@callfleet/contracts';

/** Asserts that an HTTP answer is the fleet's error envelope (JSON) and returns it. */
export function expectErrorEnvelope(body: unknown, headers: Headers): HttpErrorEnvelope {
  expect(body).toEqual(
    expect.objectContaining({
      error: expect.any(String),
      code: expect.any(String),
      requestId: expect.any(String),
      timestamp: expect.any(String),
    }),
  );
  expect(headers.get('content-type')).toMatch(/application\/json/);
  return body as HttpErrorEnvelope;
}
