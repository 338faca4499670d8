'use server';
// The JWK tools' one server call: a key set's published JWKS, asked for by name. It takes nothing
// else, so no key material can reach it; the comparison happens in the browser.
import { status } from '@grpc/grpc-js';
import { isGrpcError } from '../../../lib/keyward-client';
import { callAsStaff } from '../../../lib/session';

export type PublishedJwks = { readonly jwksJson: string; readonly etag: string } | { readonly error: string };

export async function publishedJwks(keySet: unknown): Promise<PublishedJwks> {
  if (typeof keySet !== 'string' || keySet === '' || keySet.length > 200) return { error: 'Choose a key set.' };
  try {
    // callAsStaff checks the session (a Server Action is a public endpoint) and sends it as the bearer.
    const { jwksJson, etag } = await callAsStaff('getJwks', { keySet });
    return { jwksJson, etag };
  } catch (error) {
    if (isGrpcError(error, status.NOT_FOUND) || isGrpcError(error, status.INVALID_ARGUMENT)) {
      return { error: error.details };
    }
    if (isGrpcError(error, status.PERMISSION_DENIED)) return { error: `You may not read key set ${keySet}.` };
    throw error;
  }
}
