import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { failureMessage, isGrpcFailure, policyProblems } from './action-errors.js';

describe('failureMessage', () => {
  it('says which role cannot do what', () => {
    expect(failureMessage({ code: status.PERMISSION_DENIED, details: 'x' }, 'rotate keys', 'viewer')).toBe(
      'Your role (viewer) cannot rotate keys.',
    );
  });

  it("shows the service's own reason for a refused request", () => {
    expect(
      failureMessage({ code: status.FAILED_PRECONDITION, details: 'key k is already revoked' }, 'revoke keys', 'admin'),
    ).toBe('Key k is already revoked.');
  });

  it('says nothing is known to have changed when Keyward does not answer', () => {
    expect(
      failureMessage({ code: status.UNAVAILABLE, details: 'No connection established' }, 'rotate keys', 'admin'),
    ).toMatch(/did not answer, so nothing is known to have changed/);
  });

  it('names an unexpected status without its details', () => {
    const message = failureMessage(
      { code: status.INTERNAL, details: 'Error: at foo (bar.js:1:2)' },
      'rotate keys',
      'admin',
    );
    expect(message).toContain('INTERNAL');
    expect(message).not.toContain('bar.js');
  });

  it('recognises a gRPC error and nothing else', () => {
    expect(isGrpcFailure({ code: 7, details: 'no' })).toBe(true);
    expect(isGrpcFailure(new Error('NEXT_REDIRECT'))).toBe(false);
    expect(isGrpcFailure(null)).toBe(false);
  });
});

describe('policyProblems', () => {
  it('splits a refusal into the fields it names, keeping "; " inside a problem', () => {
    const details =
      'the policy is refused: pre_publish_period: 60s is shorter than the 360s a client may cache the JWKS; ' +
      'grace_period: 10s is shorter than max_token_ttl (3600s) plus the JWKS max-age (300s) = 3900s; tokens signed just ' +
      'before a rotation would stop verifying while still valid; activation_min_share: must be more than 0 and at most 1';
    expect(policyProblems(details)).toEqual([
      { field: 'pre_publish_period', message: '60s is shorter than the 360s a client may cache the JWKS.' },
      {
        field: 'grace_period',
        message:
          '10s is shorter than max_token_ttl (3600s) plus the JWKS max-age (300s) = 3900s; tokens signed just before a rotation would stop verifying while still valid.',
      },
      { field: 'activation_readiness', message: 'Must be more than 0 and at most 1.' },
    ]);
  });

  it('reads a single field error of the request, with its "policy." prefix', () => {
    expect(policyProblems('policy.rotation_period: must be a whole number of seconds')).toEqual([
      { field: 'rotation_period', message: 'Must be a whole number of seconds.' },
    ]);
  });

  it('keeps what names no policy field for the whole form', () => {
    expect(policyProblems('reason: is too long')).toEqual([{ field: undefined, message: 'Reason: is too long.' }]);
    expect(policyProblems('key set "x" does not exist')).toEqual([
      { field: undefined, message: 'Key set "x" does not exist.' },
    ]);
  });
});
