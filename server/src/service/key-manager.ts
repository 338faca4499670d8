import { randomUUID } from 'node:crypto';
import { resolveKeyParams } from '../crypto/algorithms.js';
import type { MasterKey } from '../crypto/envelope.js';
import { invalidArgument, KeywardError } from '../errors.js';
import type { Keyring } from '../keyring/keyring.js';
import { buildKeySetView, type KeySetView } from '../keyring/view.js';
import { planImmediateRotation } from '../lifecycle/rotation.js';
import type { Logger } from '../logging/logger.js';
import type { KeyStore } from '../store/key-store.js';
import type { KeyRecord, KeySetRecord, KidScheme } from '../store/records.js';
import { MAX_CLAIMS_BYTES, prepareClaims } from './claims.js';
import { mintKey } from './mint-key.js';
import { validateKeySetName } from './names.js';
import { validateIssuer, validateReason, validateTyp } from './request-values.js';

export interface CreateKeySetInput {
  readonly name: string;
  readonly algorithm: string;
  readonly issuer: string | undefined;
  readonly rsaModulusBits: number | undefined;
  readonly kidScheme: KidScheme;
}

export type SignContent = { readonly claimsJson: string } | { readonly payload: Buffer };

export interface SignResult {
  readonly jws: string;
  readonly kid: string;
  readonly alg: string;
}

export interface RotateResult {
  readonly newKey: KeyRecord;
  readonly previousKid: string | undefined;
}

export interface KeyManagerDeps {
  readonly store: KeyStore;
  readonly keyring: Keyring;
  readonly masterKey: MasterKey;
  readonly publicUrl: string;
  readonly logger: Logger;
  readonly clock: () => Date;
}

/**
 * The service's use cases. Reads and signing are served from the keyring; every change is decided
 * by the lifecycle rules, written by the store in one transaction, then reloaded into the keyring.
 */
export class KeyManager {
  constructor(private readonly deps: KeyManagerDeps) {}

  /** Loads every key set into memory; a key that cannot be decrypted stops the start. */
  async loadAll(): Promise<void> {
    const snapshots = await this.deps.store.listKeySets();
    this.deps.keyring.replaceAll(
      snapshots.map((snapshot) => buildKeySetView(snapshot, this.deps.masterKey, this.deps.publicUrl)),
    );
  }

  view(name: string): KeySetView {
    const view = this.deps.keyring.get(name);
    if (view === undefined) throw new KeywardError('NOT_FOUND', `key set "${name}" does not exist`);
    return view;
  }

  list(): KeySetView[] {
    return this.deps.keyring.list();
  }

  async createKeySet(input: CreateKeySetInput, actor: string): Promise<KeySetView> {
    const name = validateKeySetName(input.name);
    const params = resolveKeyParams(input.algorithm, input.rsaModulusBits);
    const issuer = input.issuer === undefined ? null : validateIssuer(input.issuer);
    const now = this.deps.clock();
    const keySet: KeySetRecord = {
      id: randomUUID(),
      name,
      algorithm: params.alg,
      rsaModulusBits: params.rsaModulusBits ?? null,
      kidScheme: input.kidScheme,
      issuer,
      createdAt: now,
    };
    const firstKey = await mintKey(keySet, 'ACTIVE', now, this.deps.masterKey);
    await this.deps.store.createKeySet(keySet, firstKey, {
      kid: firstKey.kid,
      type: 'key_set.created',
      actor,
      reason: null,
      before: null,
      after: { algorithm: keySet.algorithm, rsaModulusBits: keySet.rsaModulusBits, issuer, activeKid: firstKey.kid },
    });
    this.deps.logger.info({ keySet: name, kid: firstKey.kid, alg: keySet.algorithm, actor }, 'key set created');
    return this.#publish({ keySet, keys: [firstKey] });
  }

  async rotate(name: string, reason: string, actor: string): Promise<RotateResult> {
    const current = this.view(name);
    const why = validateReason(reason);
    const now = this.deps.clock();
    const minted = await mintKey(current.keySet, 'ACTIVE', now, this.deps.masterKey);
    let result: RotateResult | undefined;
    await this.deps.store.rotate(name, (locked) => {
      const plan = planImmediateRotation(locked.keys, 'sig', now);
      const newKey = { ...minted, state: plan.newKeyState };
      result = { newKey, previousKid: plan.previousKid };
      return {
        changes: plan.transitions,
        newKey,
        event: {
          kid: newKey.kid,
          type: 'key.rotated',
          actor,
          reason: why,
          before: { activeKid: plan.previousKid ?? null },
          after: { activeKid: newKey.kid },
        },
      };
    });
    if (result === undefined) throw new KeywardError('INTERNAL', 'rotation finished without a result');
    this.deps.logger.info(
      { keySet: name, kid: result.newKey.kid, previousKid: result.previousKid, actor },
      'key set rotated',
    );
    await this.reload(name);
    return result;
  }

  async sign(name: string, content: SignContent, typ: string | undefined): Promise<SignResult> {
    const signer = this.view(name).signer;
    if (signer === undefined) {
      throw new KeywardError('FAILED_PRECONDITION', `key set "${name}" has no active signing key`);
    }
    const isJwt = 'claimsJson' in content;
    const payload = isJwt ? prepareClaims(content.claimsJson, this.deps.clock()) : content.payload;
    if (!isJwt && payload.length > MAX_CLAIMS_BYTES) {
      throw invalidArgument('payload', `is ${payload.length} bytes; the limit is ${MAX_CLAIMS_BYTES}`);
    }
    const header = typ === undefined ? (isJwt ? 'JWT' : undefined) : validateTyp(typ);
    const jws = await signer.sign(payload, header);
    return { jws, kid: signer.kid, alg: signer.alg };
  }

  /** Re-reads one key set after a change; a failure keeps serving the previous view. */
  async reload(name: string): Promise<void> {
    try {
      const snapshot = await this.deps.store.findKeySet(name);
      if (snapshot !== undefined) this.#publish(snapshot);
    } catch (error) {
      this.deps.logger.warn({ keySet: name, err: describe(error) }, 'reload after change failed; serving the previous keys');
    }
  }

  #publish(snapshot: Parameters<typeof buildKeySetView>[0]): KeySetView {
    const view = buildKeySetView(snapshot, this.deps.masterKey, this.deps.publicUrl);
    this.deps.keyring.put(view);
    return view;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
