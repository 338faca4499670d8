// What revoking a key will do, said before it is done (the rules are server/src/lifecycle/
// rotation.ts planRevocation: unpublished at once; revoking the signer promotes the pending key,
// else a new key, at once).
import { KeyState, type GetRotationReadinessResponse, type Key, type KeySet } from '@keyward/proto/keyward/v1';
import { durationInWords } from './format';
import { unpreparedClients } from './rotation-preflight';

const REVOCABLE = new Set([KeyState.KEY_STATE_PENDING, KeyState.KEY_STATE_ACTIVE, KeyState.KEY_STATE_RETIRED]);

/** Keys that are still published: the only ones revocation changes anything for. */
export function revocableKeys(keys: readonly Key[]): Key[] {
  return keys.filter((key) => REVOCABLE.has(key.state));
}

export function revocationConsequences(key: Key, keySet: KeySet, readiness: GetRotationReadinessResponse): string[] {
  const sentences = [
    `Key ${key.kid} leaves the JWKS at once, and every token it signed fails verification from now on ` +
      '(KEY_REVOKED), whatever its expiry. This cannot be undone.',
  ];
  if (key.state === KeyState.KEY_STATE_ACTIVE && key.use === 'sig') {
    const { unprepared, seen } = unpreparedClients(readiness);
    sentences.push(
      readiness.pendingKid === ''
        ? 'It is the signing key: Keyward creates a new key that signs at once.'
        : `It is the signing key: the pending key ${readiness.pendingKid} signs at once in its place.`,
      `${unprepared} of ${seen} clients seen in the last ${durationInWords(readiness.window)} cache a JWKS that ` +
        `lacks that key for up to ${durationInWords(readiness.jwksCacheHorizon)}: tokens it signs fail there ` +
        'until they refresh.',
    );
  } else if (key.state === KeyState.KEY_STATE_PENDING) {
    sentences.push('It never signed; the next rotation publishes another key. The signing key is not affected.');
  } else if (key.state === KeyState.KEY_STATE_RETIRED) {
    sentences.push(
      `It no longer signs; tokens it signed that have not expired yet (at most ${durationInWords(
        keySet.policy?.maxTokenTtl,
      )} old) stop verifying. The signing key is not affected.`,
    );
  }
  return sentences;
}
