// The one interface over persistent storage. Each write method is one transaction: a crash leaves
// the old state or the new, never half.
import type { KeyState } from '../lifecycle/states.js';
import type {
  ApiTokenRecord,
  KeyEventInput,
  KeyRecord,
  KeySetRecord,
  KeySetSnapshot,
} from './records.js';

export interface StateChange {
  readonly kid: string;
  readonly from: KeyState;
  readonly to: KeyState;
  readonly at: Date;
}

/** What a rotation writes, decided by the lifecycle rules from the locked current state. */
export interface RotationWrite {
  readonly changes: readonly StateChange[];
  readonly newKey: KeyRecord;
  readonly event: KeyEventInput;
}

export interface KeyStore {
  listKeySets(): Promise<KeySetSnapshot[]>;
  findKeySet(name: string): Promise<KeySetSnapshot | undefined>;

  /** ALREADY_EXISTS when the name is taken. */
  createKeySet(keySet: KeySetRecord, firstKey: KeyRecord, event: KeyEventInput): Promise<void>;

  /**
   * Locks the key set, hands its current state to `decide`, and applies what it returns, all in
   * one transaction. NOT_FOUND when there is no such key set.
   */
  rotate(keySetName: string, decide: (current: KeySetSnapshot) => RotationWrite): Promise<void>;

  listApiTokens(): Promise<ApiTokenRecord[]>;
  /** Inserts the token unless one with the same hash exists; true when it was inserted. */
  ensureApiToken(token: ApiTokenRecord): Promise<boolean>;

  /** Ids (fingerprints) of the master keys this database's keys are sealed under. */
  listMasterKeyIds(): Promise<string[]>;
  recordMasterKeyId(id: string): Promise<void>;

  /** Resolves when the database answers; UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
