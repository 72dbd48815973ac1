import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@callfleet/testing';
import { type FrontAnswer, RoundRobinFront } from './round-robin-front';

/** A replica that answers who it is and echoes the body it got. */
async function replica(name: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    res.writeHead(name === 'failing' ? 503 : 200, { 'content-type': 'application/json', 'x-replica': name });
    res.end(JSON.stringify({ name, body: Buffer.concat(chunks).toString(), host: req.headers.host }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the drill front (a Service in front of two replicas)', () => {
  const servers: Server[] = [];
  const fronts: RoundRobinFront[] = [];
  afterAll(async () => {
    for (const front of fronts) await front.stop();
    for (const server of servers) server.close();
  });

  async function frontFor(upstreams: string[], answers: FrontAnswer[] = []): Promise<RoundRobinFront> {
    const front = await RoundRobinFront.start(
      () => upstreams,
      (a) => answers.push(a),
    );
    fronts.push(front);
    return front;
  }

  const post = async (front: RoundRobinFront, body: string) => {
    const response = await fetch(`${front.url}/path?q=1`, { method: 'POST', body });
    return { status: response.status, json: (await response.json().catch(() => ({}))) as Record<string, string> };
  };

  it('sends requests to the replicas in turn, with their body, host and answer intact', async () => {
    const a = await replica('a');
    const b = await replica('b');
    servers.push(a.server, b.server);
    const answers: FrontAnswer[] = [];
    const front = await frontFor([a.url, b.url], answers);
    const names = [];
    for (let i = 0; i < 4; i++) names.push((await post(front, `hello ${i}`)).json.name);
    expect(names).toEqual(['a', 'b', 'a', 'b']);
    const echoed = await post(front, 'signed bytes');
    expect(echoed.json).toMatchObject({ body: 'signed bytes', host: new URL(front.url).host });
    expect(answers.map((x) => x.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('takes a refused connection to the other replica, and passes a replica’s 5xx on as it is', async () => {
    const up = await replica('up');
    const failing = await replica('failing');
    servers.push(up.server, failing.server);
    const down = `http://127.0.0.1:${await freePort()}`;
    const front = await frontFor([down, up.url]);
    for (let i = 0; i < 3; i++) expect(await post(front, 'x')).toMatchObject({ status: 200, json: { name: 'up' } });
    expect((await post(await frontFor([failing.url]), 'x')).status).toBe(503);
    expect((await post(await frontFor([down]), 'x')).status).toBe(502);
  });
});
