import { randomBytes, randomUUID } from 'node:crypto';
import type { RsaModulusBits } from '../crypto/algorithms.js';
import type { MasterKey } from '../crypto/envelope.js';
import { jwkThumbprint, publicJwk } from '../crypto/jwk.js';
import { generateKeyPair } from '../crypto/keygen.js';
import type { KeyState } from '../lifecycle/states.js';
import { sealKey } from '../keyring/sealing.js';
import type { KeyRecord, KeySetRecord } from '../store/records.js';

/**
 * A new signing key for a key set: generated, named and sealed before any transaction starts, so
 * slow RSA generation never holds a database lock. Only the sealed form leaves this function.
 */
export async function mintKey(keySet: KeySetRecord, state: KeyState, now: Date, master: MasterKey): Promise<KeyRecord> {
  const privateKey = await generateKeyPair({
    alg: keySet.algorithm,
    ...(keySet.rsaModulusBits === null ? {} : { rsaModulusBits: keySet.rsaModulusBits as RsaModulusBits }),
  });
  const jwk = publicJwk(privateKey);
  const kid = keySet.kidScheme === 'random' ? randomBytes(16).toString('base64url') : jwkThumbprint(jwk);
  const identity = { keySetId: keySet.id, id: randomUUID(), kid };
  return {
    ...identity,
    alg: keySet.algorithm,
    use: 'sig',
    state,
    publicJwk: jwk,
    createdAt: now,
    activatedAt: state === 'ACTIVE' ? now : null,
    retiredAt: null,
    sealed: sealKey(identity, privateKey, master),
  };
}
