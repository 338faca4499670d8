// Key generation. The async form matters: an RSA-4096 keygen takes seconds and must not block the
// event loop that is serving signatures and JWKS requests.

import { generateKeyPair as nodeGenerateKeyPair, type KeyObject } from 'node:crypto';
import { ALGORITHM_SPECS, DEFAULT_RSA_MODULUS_BITS, type KeyParams } from './algorithms.js';

type Done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject) => void;

/** Returns the private KeyObject; the public half is derivable from it (see jwk.ts). */
export function generateKeyPair(params: KeyParams): Promise<KeyObject> {
  const spec = ALGORITHM_SPECS[params.alg];
  return new Promise((resolve, reject) => {
    const done: Done = (err, _publicKey, privateKey) => (err ? reject(err) : resolve(privateKey));
    switch (spec.family) {
      case 'RSA':
      case 'RSA-PSS':
        // PS* keys are plain 'rsa' keys too: PSS is chosen at signing time, and node cannot export
        // 'rsa-pss' KeyObjects as JWK.
        nodeGenerateKeyPair(
          'rsa',
          {
            modulusLength: params.rsaModulusBits ?? DEFAULT_RSA_MODULUS_BITS,
            publicExponent: 0x10001,
          },
          done,
        );
        return;
      case 'EC':
        nodeGenerateKeyPair('ec', { namedCurve: spec.crv }, done);
        return;
      case 'OKP':
        nodeGenerateKeyPair('ed25519', {}, done);
        return;
    }
  });
}
