import type { handleUnaryCall, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { TokenAuthenticator } from '../auth/authenticator.js';
import { authorize, RPC_PERMISSIONS, type KeyServiceMethod } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { Logger } from '../logging/logger.js';
import { toServiceError } from './status.js';

export interface RpcContext {
  readonly authenticator: TokenAuthenticator;
  readonly logger: Logger;
  readonly clock: () => Date;
}

export type UnaryHandler<Req, Res> = (request: Req, principal: Principal) => Res | Promise<Res>;

/**
 * The adapter every RPC goes through: authenticate, check the permission the RPC declares in
 * RPC_PERMISSIONS, run the handler, translate errors to a gRPC status.
 */
export function unary<Req, Res>(
  method: KeyServiceMethod,
  context: RpcContext,
  handler: UnaryHandler<Req, Res>,
): handleUnaryCall<Req, Res> {
  const permission = RPC_PERMISSIONS[method];
  const rpc = method;
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    let principal: Principal;
    try {
      const [authorization] = call.metadata.get('authorization');
      principal = context.authenticator.authenticate(
        typeof authorization === 'string' ? authorization : undefined,
        context.clock(),
      );
      authorize(principal, permission);
    } catch (error) {
      callback(toServiceError(error, rpc, context.logger));
      return;
    }
    let pending: Res | Promise<Res>;
    try {
      pending = handler(call.request, principal);
    } catch (error) {
      callback(toServiceError(error, rpc, context.logger));
      return;
    }
    Promise.resolve(pending).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error, rpc, context.logger)),
    );
  };
}
