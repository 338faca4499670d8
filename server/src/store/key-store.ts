// The one interface over persistent storage. Each write method is one transaction: a crash leaves
// the old state or the new, never half. Every committed change notifies the other replicas.
import type { SealedKey } from '../crypto/envelope.js';
import type { KeySetPolicy } from '../lifecycle/policy.js';
import type { KeyState } from '../lifecycle/states.js';
import type { LoginFailures } from '../model/login-failures.js';
import type { Role } from '../model/roles.js';
import type { ActiveSession } from '../model/session.js';
import type { ApiTokenRecord } from '../model/api-token.js';
import type { KeyEventInput, KeyEventRecord } from '../model/events.js';
import type { EventType } from '../model/event-types.js';
import type { KeyRecord } from '../model/key.js';
import type { KeySetRecord, KeySetSnapshot } from '../model/key-set.js';
import type { UserRecord } from '../model/user.js';
import type { CreationPosition, PageQuery } from '../paging/pager.js';

export interface StateChange {
  readonly kid: string;
  readonly from: KeyState;
  readonly to: KeyState;
  readonly at: Date;
  /** Recorded with the key when it is revoked. */
  readonly reason?: string | null;
}

/** What one decision writes, worked out by the lifecycle rules from the locked current state. */
export interface KeySetWrite {
  /** Applied in order: the signer steps down before its successor steps up. */
  readonly changes: readonly StateChange[];
  /** Inserted after the changes. */
  readonly newKeys: readonly KeyRecord[];
  readonly policy?: KeySetPolicy;
  readonly events: readonly KeyEventInput[];
}

export interface ChangeOptions {
  /**
   * Only act while holding the scheduler's advisory lock (taken for the transaction); when another
   * replica holds it, nothing is written and `change` resolves to 'not-leader'.
   */
  readonly asScheduler?: boolean;
}

export type ChangeOutcome = 'written' | 'nothing-to-do' | 'not-leader';

export interface EventFilter {
  readonly keySet?: string;
  readonly kid?: string;
  readonly actor?: string;
  readonly type?: EventType;
  /** Recorded at or after. */
  readonly from?: Date;
  /** Recorded before. */
  readonly to?: Date;
  /** Only events with a smaller id (paging backwards). */
  readonly beforeId?: bigint;
  readonly limit: number;
}

export interface ClientSighting {
  readonly keySet: string;
  readonly clientHash: Buffer;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  /** Creation time of the newest key in a JWKS the client was served. */
  readonly newestKeySeen: Date;
}

/** A client as the readiness report lists it: only its keyed hash, never an address or User-Agent. */
export interface SightedClient {
  readonly clientHash: Buffer;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  readonly newestKeySeen: Date;
}

export interface ReadinessCounts {
  /** Distinct clients whose latest fetch is at or after `since`. */
  readonly seen: number;
  /** Of those, the ones that were served a JWKS holding a key created at or after `keyCreatedAt`. */
  readonly holdingKey: number;
}

export interface SessionStart {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface LoginFailureWrite {
  readonly subject: Buffer;
  /** The record after this failure, from the one stored (read under the lock). */
  readonly next: (previous: LoginFailures | undefined) => LoginFailures;
  readonly event: (failures: LoginFailures) => KeyEventInput;
  readonly forgetBefore: Date;
}

export interface KeyStore {
  listKeySets(): Promise<KeySetSnapshot[]>;
  findKeySet(name: string): Promise<KeySetSnapshot | undefined>;

  /** ALREADY_EXISTS when the name is taken. */
  createKeySet(keySet: KeySetRecord, firstKey: KeyRecord, event: KeyEventInput): Promise<void>;

  /**
   * Locks the key set, hands its current state to `decide`, and applies what it returns (nothing
   * when it returns undefined), all in one transaction. NOT_FOUND when there is no such key set.
   */
  change(
    keySetName: string,
    decide: (current: KeySetSnapshot) => KeySetWrite | undefined,
    options?: ChangeOptions,
  ): Promise<ChangeOutcome>;

  listEvents(filter: EventFilter): Promise<KeyEventRecord[]>;

  recordSightings(sightings: readonly ClientSighting[]): Promise<void>;
  readinessCounts(keySetName: string, since: Date, keyCreatedAt: Date): Promise<ReadinessCounts>;
  /**
   * Clients seen at or after `since` that were never served a key created at or after
   * `keyCreatedAt`: the most recently seen first, at most `limit`.
   */
  clientsLackingKey(keySetName: string, since: Date, keyCreatedAt: Date, limit: number): Promise<SightedClient[]>;

  /** Oldest first (createdAt, id): every token, or one page of them. */
  listApiTokens(page?: PageQuery<CreationPosition>): Promise<ApiTokenRecord[]>;
  /** Inserts the token unless one with the same hash exists; true when it was inserted. */
  ensureApiToken(token: ApiTokenRecord): Promise<boolean>;
  /** Inserts a token with its audit event, and tells every replica. */
  createApiToken(token: ApiTokenRecord, event: KeyEventInput): Promise<void>;
  /**
   * Marks a token revoked (once) with its audit event; a token revoked before keeps its time and
   * the event records `already_revoked`. Undefined when there is no such token.
   */
  revokeApiToken(id: string, event: KeyEventInput): Promise<ApiTokenRecord | undefined>;
  /** Last-used times, recorded in batches like signature counts. */
  recordTokenUse(uses: readonly { tokenId: string; at: Date }[]): Promise<void>;

  /** An audit event about the service itself (no key set), on its own. */
  recordEvent(event: KeyEventInput): Promise<void>;

  /**
   * Replaces one key's sealed material, in its own transaction with its audit event, unless the
   * key has meanwhile been re-sealed or destroyed (then nothing is written: false).
   */
  replaceSealedKey(
    keySetId: string,
    kid: string,
    expectedMasterKeyId: string,
    sealed: SealedKey,
    event: KeyEventInput,
  ): Promise<boolean>;

  /** ALREADY_EXISTS when the username is taken. Staff changes notify every replica. */
  createUser(user: UserRecord, event: KeyEventInput): Promise<void>;
  /** One page of users, by username. */
  listUsers(page: PageQuery<string>): Promise<UserRecord[]>;
  findUser(username: string): Promise<UserRecord | undefined>;
  /**
   * Changes a user and ends all of its sessions; undefined when there is no such user. Disabling a
   * disabled user changes nothing, and its event records `already_disabled`.
   */
  updateUser(
    username: string,
    change: { readonly role?: Role; readonly disabledAt?: Date },
    event: KeyEventInput,
  ): Promise<UserRecord | undefined>;
  /** A login: the new session, its audit event, and the username's failures forgotten. */
  startSession(session: SessionStart, loginSubject: Buffer, event: KeyEventInput): Promise<void>;
  revokeSession(id: string, event: KeyEventInput): Promise<void>;

  /** The recent failed logins kept under a username's throttle subject. */
  findLoginFailures(subject: Buffer): Promise<LoginFailures | undefined>;
  /**
   * Records a failed login under a row lock, so that concurrent failures on every replica all
   * count, with its audit event; deletes records whose last failure is before `forgetBefore`.
   */
  recordLoginFailure(failure: LoginFailureWrite): Promise<LoginFailures>;
  listActiveSessions(now: Date): Promise<ActiveSession[]>;

  /** Ids (fingerprints) of the master keys this database's keys are sealed under. */
  listMasterKeyIds(): Promise<string[]>;
  recordMasterKeyId(id: string): Promise<void>;

  /** Resolves when the database answers; UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
