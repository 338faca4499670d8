import type { handleUnaryCall, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { KeyServiceServer } from '@keyward/proto/keyward/v1';
import type { TokenAuthenticator } from '../auth/authenticator.js';
import { authorize, RPC_PERMISSIONS, type KeyServiceMethod, type TargetLookup } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { CallDeadline } from '../limits/call-deadline.js';
import { rateLimitError, type RateLimiter } from '../limits/token-bucket.js';
import type { Logger } from '../logging/logger.js';
import { toServiceError } from './status.js';

export interface RpcContext {
  readonly authenticator: TokenAuthenticator;
  /** Per-principal rate limit; undefined: unlimited. */
  readonly rateLimiter: RateLimiter | undefined;
  readonly lookup: TargetLookup;
  readonly logger: Logger;
  readonly clock: () => Date;
}

type Call<M extends KeyServiceMethod> =
  KeyServiceServer[M] extends handleUnaryCall<infer Req, infer Res> ? { request: Req; response: Res } : never;

export type UnaryHandler<M extends KeyServiceMethod> = (
  request: Call<M>['request'],
  principal: Principal,
  deadline: CallDeadline,
) => Call<M>['response'] | Promise<Call<M>['response']>;

/**
 * The adapter every RPC goes through: authenticate, apply the caller's rate limit, check the
 * requirement the RPC declares in RPC_PERMISSIONS against the request, run the handler, translate
 * errors to a gRPC status.
 */
export function unary<M extends KeyServiceMethod>(
  method: M,
  context: RpcContext,
  handler: UnaryHandler<M>,
): handleUnaryCall<Call<M>['request'], Call<M>['response']> {
  type Req = Call<M>['request'];
  type Res = Call<M>['response'];
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const [authorization] = call.metadata.get('authorization');
    const now = context.clock();
    const deadline = deadlineOf(call);
    // Session tokens are verified with WebCrypto, which is asynchronous.
    const pending = context.authenticator
      .authenticate(typeof authorization === 'string' ? authorization : undefined, now)
      .then((principal) => {
        const allowance = context.rateLimiter?.take(principal.id, now.getTime());
        if (allowance !== undefined && !allowance.allowed) throw rateLimitError(allowance.retryAfterMs);
        authorize(method, principal, call.request as never, context.lookup);
        deadline.assertWaiting();
        return handler(call.request, principal, deadline);
      });
    answer(pending, callback, method, context);
  };
}

/**
 * For the RPCs RPC_PERMISSIONS marks public (Login, which is how a person gets credentials): no
 * principal, no authorization; the handler does its own throttling.
 */
export function publicUnary<M extends KeyServiceMethod>(
  method: M,
  context: RpcContext,
  handler: (request: Call<M>['request'], deadline: CallDeadline) => Promise<Call<M>['response']>,
): handleUnaryCall<Call<M>['request'], Call<M>['response']> {
  if (RPC_PERMISSIONS[method] !== 'public') throw new Error(`${method} is not a public RPC`);
  return (call, callback) => {
    let pending: Promise<Call<M>['response']>;
    try {
      const deadline = deadlineOf(call);
      deadline.assertWaiting();
      pending = handler(call.request, deadline);
    } catch (error) {
      callback(toServiceError(error, method, context.logger));
      return;
    }
    answer(pending, callback, method, context);
  };
}

/**
 * The caller's deadline, ended early should it cancel. grpc-js answers DEADLINE_EXCEEDED itself
 * when the time comes but lets the handler run on: queued work checks this to drop itself.
 */
function deadlineOf(call: ServerUnaryCall<unknown, unknown>): CallDeadline {
  const at = call.getDeadline();
  const deadline = new CallDeadline(at instanceof Date ? at.getTime() : at);
  call.once('cancelled', () => deadline.cancel());
  return deadline;
}

function answer<Res>(
  pending: Res | Promise<Res>,
  callback: sendUnaryData<Res>,
  method: string,
  context: RpcContext,
): void {
  Promise.resolve(pending).then(
    (response) => callback(null, response),
    (error: unknown) => callback(toServiceError(error, method, context.logger)),
  );
}
