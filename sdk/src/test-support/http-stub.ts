// A local node:http server a test controls: it records each request and answers with whatever the
// test's handler returns, optionally held back until the test releases it.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface StubAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface HttpStub {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** What the next requests are answered with. */
  answer: (request: RecordedRequest) => StubAnswer;
  /** While held, requests are recorded but not answered until release(). */
  hold(): void;
  release(): void;
  /** Resolves once `count` requests in all have arrived. */
  requestCount(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHttpStub(answer: HttpStub['answer']): Promise<HttpStub> {
  const requests: RecordedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let held: (() => void)[] | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const respond = () => {
        const { status, headers = {}, body } = stub.answer(request);
        res.writeHead(status, headers);
        res.end(body);
      };
      if (held === undefined) respond();
      else held.push(respond);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stub: HttpStub = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer,
    hold() {
      held ??= [];
    },
    release() {
      const pending = held ?? [];
      held = undefined;
      for (const respond of pending) respond();
    },
    requestCount(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      stub.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return stub;
}
