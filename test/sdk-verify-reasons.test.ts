// The verifier SDK carries its own copy of the reason vocabulary (it must not import the server):
// the copy must stay equal to the server's, in the same order.
import { VERIFY_REASONS as SDK_REASONS } from '@keyward/verifier';
import { describe, expect, it } from 'vitest';
import { VERIFY_REASONS } from '../server/src/model/verify-reasons.js';

describe('the SDK reason vocabulary', () => {
  it("equals the server's", () => {
    expect([...SDK_REASONS]).toEqual([...VERIFY_REASONS]);
  });
});
