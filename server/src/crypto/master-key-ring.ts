import { KeywardError } from '../errors.js';
import type { MasterKey } from './envelope.js';

/**
 * The master keys the service holds, oldest first. New data keys are wrapped under the newest;
 * any of them opens what it sealed, so a master key can be rotated without downtime: add the new
 * one, re-wrap (RewrapKeys), then retire the old one.
 */
export class MasterKeyRing {
  readonly #keys: readonly MasterKey[];
  readonly #byId: ReadonlyMap<string, MasterKey>;

  constructor(keys: readonly MasterKey[]) {
    const newest = keys.at(-1);
    if (newest === undefined) throw new KeywardError('INTERNAL', 'a master key ring needs at least one key');
    const byId = new Map(keys.map((key) => [key.id, key]));
    if (byId.size !== keys.length) {
      throw new KeywardError('FAILED_PRECONDITION', 'the same master key is configured twice');
    }
    this.#keys = keys;
    this.#byId = byId;
  }

  /** Wraps every new data key. */
  get current(): MasterKey {
    return this.#keys.at(-1)!;
  }

  get ids(): string[] {
    return this.#keys.map((key) => key.id);
  }

  byId(id: string): MasterKey | undefined {
    return this.#byId.get(id);
  }
}
