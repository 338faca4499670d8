import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSource } from './test-support/fake-source.js';
import { startGateway, type RunningGateway } from './test-support/http-client.js';

const source = new FakeSource();
let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway(source);
});
afterAll(async () => {
  await gateway.close();
});

describe('/healthz', () => {
  it('answers 200 {"status":"ok"} with no-store, even when not ready', async () => {
    source.readinessAnswer = () => Promise.resolve({ ready: false, reason: 'keys not loaded' });
    const answer = await gateway.request('GET', '/healthz');
    expect(answer.status).toBe(200);
    expect(answer.body.toString('utf8')).toBe('{"status":"ok"}');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('HEAD has Content-Length and no body', async () => {
    const answer = await gateway.request('HEAD', '/healthz?probe=1');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-length']).toBe(String('{"status":"ok"}'.length));
    expect(answer.body.length).toBe(0);
  });
});

describe('/readyz', () => {
  it('answers 200 {"status":"ready"} when the source is ready', async () => {
    source.readinessAnswer = () => Promise.resolve({ ready: true });
    const answer = await gateway.request('GET', '/readyz');
    expect(answer.status).toBe(200);
    expect(answer.body.toString('utf8')).toBe('{"status":"ready"}');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('answers 503 with the reason when the source is not ready', async () => {
    source.readinessAnswer = () => Promise.resolve({ ready: false, reason: 'database "keyward" unreachable' });
    const answer = await gateway.request('GET', '/readyz');
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({
      status: 'not_ready',
      reason: 'database "keyward" unreachable',
    });
    expect(answer.headers['content-length']).toBe(String(answer.body.length));
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('HEAD answers the status with no body', async () => {
    source.readinessAnswer = () => Promise.resolve({ ready: false, reason: 'starting' });
    const answer = await gateway.request('HEAD', '/readyz');
    expect(answer.status).toBe(503);
    expect(answer.body.length).toBe(0);
  });

  it('follows the source as it changes', async () => {
    source.readinessAnswer = () => Promise.resolve({ ready: false, reason: 'starting' });
    expect((await gateway.request('GET', '/readyz')).status).toBe(503);
    source.readinessAnswer = () => Promise.resolve({ ready: true });
    expect((await gateway.request('GET', '/readyz')).status).toBe(200);
  });
});
