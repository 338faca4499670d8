// Translation between the service's records and the keyward.v1 wire messages.
import { KeyState as WireKeyState, KidScheme as WireKidScheme, type Key, type KeySet } from '@keyward/proto/keyward/v1';
import type { KeySetView } from '../keyring/view.js';
import type { KeyState } from '../lifecycle/states.js';
import { publishedJwk } from '../publication/jwks.js';
import { defaultIssuer, jwksUri } from '../publication/urls.js';
import type { KeyRecord, KidScheme } from '../store/records.js';

const WIRE_STATES: Readonly<Record<KeyState, WireKeyState>> = {
  PENDING: WireKeyState.KEY_STATE_PENDING,
  ACTIVE: WireKeyState.KEY_STATE_ACTIVE,
  RETIRED: WireKeyState.KEY_STATE_RETIRED,
  EXPIRED: WireKeyState.KEY_STATE_EXPIRED,
  DESTROYED: WireKeyState.KEY_STATE_DESTROYED,
  REVOKED: WireKeyState.KEY_STATE_REVOKED,
};

export function kidSchemeFromWire(scheme: WireKidScheme): KidScheme {
  return scheme === WireKidScheme.KID_SCHEME_RANDOM ? 'random' : 'jwk-thumbprint';
}

function kidSchemeToWire(scheme: KidScheme): WireKidScheme {
  return scheme === 'random' ? WireKidScheme.KID_SCHEME_RANDOM : WireKidScheme.KID_SCHEME_JWK_THUMBPRINT;
}

export function toWireKeySet(view: KeySetView, publicUrl: string): KeySet {
  const { keySet } = view;
  return {
    name: keySet.name,
    algorithm: keySet.algorithm,
    rsaModulusBits: keySet.rsaModulusBits ?? 0,
    kidScheme: kidSchemeToWire(keySet.kidScheme),
    issuer: keySet.issuer ?? defaultIssuer(publicUrl, keySet.name),
    jwksUri: jwksUri(publicUrl, keySet.name),
    activeKid: view.signer?.kid ?? '',
    createdAt: keySet.createdAt,
  };
}

export function toWireKey(key: KeyRecord): Key {
  return {
    kid: key.kid,
    alg: key.alg,
    use: key.use,
    state: WIRE_STATES[key.state],
    createdAt: key.createdAt,
    activatedAt: key.activatedAt ?? undefined,
    retiredAt: key.retiredAt ?? undefined,
    publicJwkJson: JSON.stringify(publishedJwk(key)),
  };
}
