// The verifier SDK carries its own copies of Keyward's vocabularies (it must not import the server):
// the reasons a token fails and the algorithms Keyward issues keys for. The copies must stay equal.
import { KEYWARD_ALGORITHMS, VERIFY_REASONS as SDK_REASONS } from '@keyward/verifier';
import { describe, expect, it } from 'vitest';
import { ALGORITHMS } from '../server/src/crypto/algorithms.js';
import { VERIFY_REASONS } from '../server/src/model/verify-reasons.js';

describe("the SDK's copies of Keyward's vocabularies", () => {
  it("the reasons equal the server's, in order", () => {
    expect([...SDK_REASONS]).toEqual([...VERIFY_REASONS]);
  });

  it("the algorithms equal the server's", () => {
    expect([...KEYWARD_ALGORITHMS].sort()).toEqual([...ALGORITHMS].sort());
  });
});
