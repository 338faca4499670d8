import type { MasterKeyRing } from '../crypto/master-key-ring.js';
import { rewrapKey } from '../keyring/sealing.js';
import type { Logger } from '../logging/logger.js';
import type { KeyStore } from '../store/key-store.js';

export interface RewrapOutcome {
  readonly rewrapped: number;
  readonly remaining: number;
  readonly masterKeyId: string;
}

/**
 * Master-key rotation, online: every key still sealed under an older master key is opened and
 * sealed again under the newest, one transaction per key (guarded by the master key it was read
 * with). Signing never pauses; a crash leaves some keys done and the rest for the next run.
 */
export async function rewrapKeys(
  store: KeyStore,
  masters: MasterKeyRing,
  actor: string,
  clock: () => Date,
  logger: Logger,
): Promise<RewrapOutcome> {
  const target = masters.current.id;
  let rewrapped = 0;
  for (const { keySet, keys } of await store.listKeySets()) {
    for (const key of keys) {
      if (key.sealed === null || key.sealed.masterKeyId === target) continue;
      const sealed = rewrapKey(key, key.sealed, masters);
      const written = await store.replaceSealedKey(keySet.id, key.kid, key.sealed.masterKeyId, sealed, {
        at: clock(),
        kid: key.kid,
        type: 'key.rewrapped',
        actor,
        reason: null,
        before: { masterKeyId: key.sealed.masterKeyId },
        after: { masterKeyId: target },
      });
      if (written) rewrapped += 1;
    }
  }
  // Counted afresh rather than from the pass above: a replica not yet given the newest master key
  // may have sealed new keys under an older one meanwhile, and those remain to be done.
  const remaining = (await store.listKeySets())
    .flatMap((snapshot) => snapshot.keys)
    .filter((key) => key.sealed !== null && key.sealed.masterKeyId !== target).length;
  // The run itself is recorded too, so that "who re-wrapped, and what was left" has an answer
  // even when there was nothing to do.
  await store.recordEvent({
    at: clock(),
    kid: null,
    type: 'master_keys.rewrapped',
    outcome: rewrapped === 0 ? 'unchanged' : 'applied',
    actor,
    reason: null,
    before: null,
    after: { rewrapped, remaining, masterKeyId: target },
  });
  logger.info({ rewrapped, remaining, masterKeyId: target, actor }, 'data keys re-wrapped');
  return { rewrapped, remaining, masterKeyId: target };
}
