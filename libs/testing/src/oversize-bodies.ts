import { postFromBusyClient } from './raw-http';

/**
 * Posts a `size`-byte body to `url` from a busy kept-alive client, with Node's `fetch` and `http`,
 * by Content-Length and chunked, and expects each to read the 413 envelope (no reset, no EPIPE).
 */
export async function expectBusyClientsToRead413(url: string, size: number): Promise<void> {
  for (const client of ['fetch', 'http'] as const) {
    for (const chunked of [false, true]) {
      const answer = await postFromBusyClient({ url, size, chunked, client });
      // The case is part of the compared value, so a failure names the client and framing.
      expect({ size, client, chunked, error: answer.error, status: answer.status }).toEqual({
        size,
        client,
        chunked,
        error: undefined,
        status: 413,
      });
      expect(JSON.parse(answer.body ?? '{}')).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        requestId: expect.any(String),
      });
    }
  }
}
