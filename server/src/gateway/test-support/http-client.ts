// Real HTTP over loopback for gateway tests: start a gateway on port 0 and make raw requests.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeGateway, createGateway } from '../server.js';
import type { GatewayOptions, GatewaySource } from '../source.js';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RunningGateway {
  server: http.Server;
  port: number;
  request(method: string, path: string, headers?: http.OutgoingHttpHeaders): Promise<HttpAnswer>;
  close(): Promise<void>;
}

export async function startGateway(
  source: GatewaySource,
  options: GatewayOptions = { jwksMaxAgeSeconds: 300 },
): Promise<RunningGateway> {
  const server = createGateway(source, options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  return {
    server,
    port,
    request: (method, path, headers = {}) => request(agent, port, method, path, headers),
    close: async () => {
      agent.destroy();
      await closeGateway(server);
    },
  };
}

export function request(
  agent: http.Agent | undefined,
  port: number,
  method: string,
  path: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
