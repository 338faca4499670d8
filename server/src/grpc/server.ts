import { Server } from '@grpc/grpc-js';
import { KeyServiceService, type KeyServiceServer } from '@keyward/proto/keyward/v1';
import { HealthImplementation } from 'grpc-health-check';
import { grpcServerCredentials } from '../transport/grpc-credentials.js';
import type { GrpcTls } from '../transport/tls-config.js';
import { addReflection } from './reflection.js';

const KEY_SERVICE_NAME = 'keyward.v1.KeyService';

// Signing requests are small (claims are capped at 64 KiB); refuse anything far larger early.
const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface GrpcServer {
  readonly server: Server;
  readonly port: number;
  /** Stops accepting calls, lets running ones finish for up to `graceMs`, then cancels the rest. */
  stop(graceMs: number): Promise<void>;
}

/** `tls` undefined: plaintext. */
export async function startGrpcServer(
  service: KeyServiceServer,
  host: string,
  port: number,
  tls?: GrpcTls,
): Promise<GrpcServer> {
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  server.addService(KeyServiceService, service);

  const health = new HealthImplementation({ '': 'SERVING', [KEY_SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);
  addReflection(server);

  const boundPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpcServerCredentials(tls), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    );
  });

  return {
    server,
    port: boundPort,
    stop: (graceMs) => stopServer(server, health, graceMs),
  };
}

function stopServer(server: Server, health: HealthImplementation, graceMs: number): Promise<void> {
  health.setStatus('', 'NOT_SERVING');
  health.setStatus(KEY_SERVICE_NAME, 'NOT_SERVING');
  return new Promise((resolve) => {
    const force = setTimeout(() => server.forceShutdown(), graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
