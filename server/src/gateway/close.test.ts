import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeGateway, createGateway } from './server.js';
import { FakeSource, populatedSource } from './test-support/fake-source.js';
import { request } from './test-support/http-client.js';

/** Holds /readyz open: `asked` resolves when a request is waiting on it, `answer()` releases it. */
function heldReadiness(source: FakeSource): { asked: Promise<void>; answer: () => void } {
  let answer: () => void = () => {};
  let markAsked: () => void = () => {};
  const asked = new Promise<void>((resolve) => (markAsked = resolve));
  source.readinessAnswer = () =>
    new Promise((resolve) => {
      answer = () => resolve({ ready: true });
      markAsked();
    });
  return { asked, answer: () => answer() };
}

async function listening(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('closeGateway', () => {
  it('closes idle keep-alive connections at once instead of waiting out their timeout', async () => {
    const server = createGateway(populatedSource(), { jwksMaxAgeSeconds: 300 });
    server.keepAliveTimeout = 60_000;
    const port = await listening(server);
    const agent = new http.Agent({ keepAlive: true });
    try {
      const answer = await request(agent, port, 'GET', '/.well-known/jwks.json');
      expect(answer.headers.connection).toBe('keep-alive');
      const started = Date.now();
      await closeGateway(server);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(server.listening).toBe(false);
    } finally {
      agent.destroy();
    }
  });

  it('lets an in-flight request finish, then closes its connection', async () => {
    const source = new FakeSource();
    const readiness = heldReadiness(source);
    const server = createGateway(source, { jwksMaxAgeSeconds: 300 });
    server.keepAliveTimeout = 60_000;
    const port = await listening(server);
    const agent = new http.Agent({ keepAlive: true });
    try {
      const inFlight = request(agent, port, 'GET', '/readyz');
      await readiness.asked;
      const closed = closeGateway(server);
      readiness.answer();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      const started = Date.now();
      await closed;
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      agent.destroy();
    }
  });

  it('tells clients to close a connection that brings a request while closing', async () => {
    const source = new FakeSource();
    const readiness = heldReadiness(source);
    const server = createGateway(source, { jwksMaxAgeSeconds: 300 });
    const port = await listening(server);
    // One raw connection: a pending /readyz keeps it busy, so closing cannot reap it before
    // the second (pipelined) request arrives on it.
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
    await readiness.asked;
    const closed = closeGateway(server);
    const healthzArrived = new Promise<void>((resolve) =>
      server.on('request', (req: http.IncomingMessage) => req.url === '/healthz' && resolve()),
    );
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await healthzArrived;
    readiness.answer();
    await closed;
    await ended;
    const responses = received.split('HTTP/1.1 ').slice(1);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatch(/^200 OK\r\n/);
    expect(responses[1]).toMatch(/^200 OK\r\n/);
    expect(responses[1]).toContain('\r\nConnection: close\r\n');
    expect(responses[1]?.endsWith('{"status":"ok"}')).toBe(true);
  });

  it('is harmless on a server that is already closed', async () => {
    const server = createGateway(new FakeSource(), { jwksMaxAgeSeconds: 300 });
    await listening(server);
    await closeGateway(server);
    await expect(closeGateway(server)).resolves.toBeUndefined();
  });
});
