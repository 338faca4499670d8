// Credentials for the gRPC listener: plaintext, TLS, or mutual TLS (client certificates required).

import { ServerCredentials } from '@grpc/grpc-js';
import type { GrpcTls } from './tls-config.js';

/**
 * Undefined: plaintext (`createInsecure`). With `clientCaPem`: mutual TLS, where a client without
 * a certificate issued by one of those CAs fails the handshake (`checkClientCertificate = true`).
 */
export function grpcServerCredentials(tls: GrpcTls | undefined): ServerCredentials {
  if (tls === undefined) return ServerCredentials.createInsecure();
  const mutual = tls.clientCaPem !== undefined;
  return ServerCredentials.createSsl(
    tls.clientCaPem ?? null,
    [{ cert_chain: tls.certPem, private_key: tls.keyPem }],
    mutual,
  );
}
