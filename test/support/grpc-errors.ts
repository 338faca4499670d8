import type { ServiceError } from '@grpc/grpc-js';

/** The error a call must fail with; fails the test when the call succeeds instead. */
export async function grpcError(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

/** 'ok', or the gRPC status code the call failed with: for tables of who may do what. */
export async function statusOf(promise: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as ServiceError).code;
  }
}
