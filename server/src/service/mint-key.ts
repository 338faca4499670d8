import { randomBytes, randomUUID } from 'node:crypto';
import type { MasterKeyRing } from '../crypto/master-key-ring.js';
import { jwkThumbprint, publicJwk } from '../crypto/jwk.js';
import { generateKeyPair } from '../crypto/keygen.js';
import type { KeyState } from '../lifecycle/states.js';
import { sealKey } from '../keyring/sealing.js';
import { FRESH_KEY_LIFECYCLE, type KeyRecord } from '../model/key.js';
import type { KeySetRecord } from '../model/key-set.js';

/**
 * A new signing key for a key set: generated, named and sealed before any transaction starts, so
 * slow RSA generation never holds a database lock. Only the sealed form leaves this function.
 */
export async function mintKey(
  keySet: KeySetRecord,
  state: KeyState,
  now: Date,
  master: MasterKeyRing,
): Promise<KeyRecord> {
  const { algorithm, rsaModulusBits } = keySet.policy;
  const privateKey = await generateKeyPair({
    alg: algorithm,
    ...(rsaModulusBits === null ? {} : { rsaModulusBits }),
  });
  const jwk = publicJwk(privateKey);
  const kid = keySet.kidScheme === 'random' ? randomBytes(16).toString('base64url') : jwkThumbprint(jwk);
  const identity = { keySetId: keySet.id, id: randomUUID(), kid };
  return {
    ...identity,
    alg: algorithm,
    use: 'sig',
    state,
    publicJwk: jwk,
    createdAt: now,
    ...FRESH_KEY_LIFECYCLE,
    activatedAt: state === 'ACTIVE' ? now : null,
    sealed: sealKey(identity, privateKey, master),
  };
}
