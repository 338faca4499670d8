import { createSigner, type Signer } from '../crypto/signer.js';
import { signingKeys } from '../lifecycle/facts.js';
import type { MasterKeyRing } from '../crypto/master-key-ring.js';
import { buildDiscovery } from '../publication/discovery.js';
import type { PublishedDocument } from '../publication/document.js';
import { buildJwks, publishedKeys } from '../publication/jwks.js';
import type { KeyRecord } from '../model/key.js';
import type { KeySetRecord, KeySetSnapshot } from '../model/key-set.js';
import { openKey } from './sealing.js';

/** Everything the hot paths need about one key set, prepared once per change. */
export interface KeySetView {
  readonly keySet: KeySetRecord;
  /** Oldest first; public metadata only (sealed material is dropped once the signer exists). */
  readonly keys: readonly KeyRecord[];
  readonly signer: Signer | undefined;
  /** Row id of the signer's key, for counting its signatures. */
  readonly signingKeyId: string | undefined;
  readonly jwks: PublishedDocument;
  /** Creation time of the newest key in the JWKS: what a client served this JWKS holds. */
  readonly newestPublishedKeyAt: Date;
  readonly discovery: PublishedDocument;
}

export function buildKeySetView(snapshot: KeySetSnapshot, master: MasterKeyRing, publicUrl: string): KeySetView {
  const keys = snapshot.keys.map((key) => ({ ...key, sealed: null }));
  // Only the signer's private key is decrypted: retired keys never sign, so they stay sealed.
  const { active } = signingKeys(snapshot);
  const signer =
    active === undefined ? undefined : createSigner(active.alg, active.kid, openKey(active, active.sealed, master));
  return {
    keySet: snapshot.keySet,
    keys,
    signer,
    signingKeyId: active?.id,
    jwks: buildJwks(keys),
    newestPublishedKeyAt: new Date(Math.max(0, ...publishedKeys(keys).map((key) => key.createdAt.getTime()))),
    discovery: buildDiscovery(snapshot.keySet, keys, publicUrl),
  };
}
