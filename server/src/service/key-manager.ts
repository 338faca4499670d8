import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { MasterKeyRing } from '../crypto/master-key-ring.js';
import { invalidArgument, KeywardError } from '../errors.js';
import type { Keyring } from '../keyring/keyring.js';
import { buildKeySetView, type KeySetView } from '../keyring/view.js';
import type { Plan } from '../lifecycle/plan.js';
import { defaultPolicy, policyProblems, type PolicyContext } from '../lifecycle/policy.js';
import { planRevocation, planRotation, type RotationMode, type RotationPlan } from '../lifecycle/rotation.js';
import { nextDuePlan } from '../lifecycle/schedule.js';
import { addSeconds } from '../lifecycle/facts.js';
import { unseenKeyWarning } from '../lifecycle/unseen-key-warning.js';
import { CallDeadline } from '../limits/call-deadline.js';
import type { ConcurrencyLimit } from '../limits/concurrency-limit.js';
import type { Logger } from '../logging/logger.js';
import type { ChangeOutcome, KeyStore } from '../store/key-store.js';
import type { KeyEventInput } from '../model/events.js';
import type { KeyRecord } from '../model/key.js';
import type { KeySetRecord, KeySetSnapshot, KidScheme } from '../model/key-set.js';
import type { SignatureCounter } from '../usage/signature-counter.js';
import { MAX_CLAIMS_BYTES, prepareClaims } from './claims.js';
import { factsOf } from './facts.js';
import { assertEveryKeyOpens } from './master-key.js';
import { mintKey } from './mint-key.js';
import { validateKeySetName } from '../model/names.js';
import { pendingKeyOf, signingKeyOf } from './view-keys.js';
import { needsNewKey, planToWrite } from './plan-write.js';
import { applyPolicyPatch, type PolicyPatch } from './policy-patch.js';
import { readinessOf, readinessReportOf, type Readiness, type ReadinessReport } from './readiness.js';
import { validateIssuer, validateReason, validateTyp } from './request-values.js';

export interface CreateKeySetInput {
  readonly name: string;
  readonly algorithm: string;
  readonly issuer: string | undefined;
  readonly rsaModulusBits: number | undefined;
  readonly kidScheme: KidScheme;
  readonly policy?: PolicyPatch;
}

export type SignContent = { readonly claimsJson: string } | { readonly payload: Buffer };

export interface SignResult {
  readonly jws: string;
  readonly kid: string;
  readonly alg: string;
}

export interface LifecycleResult<P extends Plan = Plan> {
  /** What the rules decided on the locked state; undefined when nothing was due. */
  readonly plan: P | undefined;
  /** The key the plan created, if it created one. */
  readonly created: KeyRecord | undefined;
  readonly outcome: ChangeOutcome;
  /** The key set after the change. */
  readonly view: KeySetView;
}

export interface RotationResult {
  /** SCHEDULED: the pending successor. IMMEDIATE: the key that signs now. */
  readonly newKey: KeyRecord;
  /** The key that signs until the new one takes over (SCHEDULED) or that just stepped down. */
  readonly previousKid: string | undefined;
  /** When the new key starts (or started) signing; with a readiness hold, the earliest time. */
  readonly activatesAt: Date | undefined;
  /** A scheduled rotation was already under way: newKey is that pending key. */
  readonly alreadyPending: boolean;
  /** Set when the new key signs before every client can have fetched it. */
  readonly warning: string | undefined;
}

export interface RevocationResult {
  readonly revoked: KeyRecord;
  /** The key that signs now, when the revoked key was the signer. */
  readonly replacement: KeyRecord | undefined;
  /** Set when the replacement signs before every client can have fetched it. */
  readonly warning: string | undefined;
}

/** The audit record of the request itself, written in the transaction of what it changed. */
type RequestEvent<P extends Plan> = (plan: P, created: KeyRecord | undefined, now: Date) => KeyEventInput;

export interface KeyManagerDeps {
  readonly store: KeyStore;
  readonly keyring: Keyring;
  readonly masterKeys: MasterKeyRing;
  readonly publicUrl: string;
  readonly policyContext: PolicyContext;
  readonly signatures: SignatureCounter;
  readonly metrics: SignMetrics;
  readonly keyGeneration: ConcurrencyLimit;
  readonly logger: Logger;
  readonly clock: () => Date;
}

/** What Sign tells the metrics: called once per signature, so it must be cheap. */
export interface SignMetrics {
  signed(keySet: string, alg: string, seconds: number): void;
}

// A plan is recomputed on the locked state; if that needs a key the first look did not, it is
// minted and the change tried again. Twice is enough unless something is very wrong.
const MAX_PLAN_ATTEMPTS = 3;

/**
 * The service's use cases. Reads and signing are served from the keyring; every change is decided
 * by the lifecycle rules on the locked current state, written by the store in one transaction,
 * then reloaded into the keyring (and, through the store's notification, into every replica's).
 */
export class KeyManager {
  constructor(private readonly deps: KeyManagerDeps) {}

  get policyContext(): PolicyContext {
    return this.deps.policyContext;
  }

  /**
   * What is unsafe in a key set's stored policy under today's configuration. Writes refuse such a
   * policy, so these appear only when the configuration changed since (a longer JWKS max-age).
   */
  policyWarnings(view: KeySetView): string[] {
    return policyProblems(view.keySet.policy, this.deps.policyContext);
  }

  /**
   * The first load: opens every stored private key once (naming any that does not open) from the
   * same read that fills the keyring. A key that cannot be decrypted stops the start.
   */
  async loadAtStart(): Promise<void> {
    await this.#loadAll((snapshots) => assertEveryKeyOpens(snapshots, this.deps.masterKeys));
  }

  /** Reads every key set into memory. */
  async loadAll(): Promise<void> {
    await this.#loadAll(() => undefined);
  }

  async #loadAll(check: (snapshots: readonly KeySetSnapshot[]) => void): Promise<void> {
    const generation = this.deps.keyring.nextGeneration();
    const snapshots = await this.deps.store.listKeySets();
    check(snapshots);
    this.deps.keyring.replaceAll(
      snapshots.map((snapshot) => this.#viewOf(snapshot)),
      generation,
    );
  }

  /** The safety net for missed notifications: a failure keeps serving what is loaded. */
  async reloadAll(): Promise<void> {
    try {
      await this.loadAll();
    } catch (error) {
      this.deps.logger.warn({ err: describe(error) }, 'full reload failed; serving the keys already loaded');
    }
  }

  /** Re-reads one key set after a change; a failure keeps serving the previous view. */
  async reload(name: string): Promise<void> {
    try {
      const generation = this.deps.keyring.nextGeneration();
      const snapshot = await this.deps.store.findKeySet(name);
      if (snapshot !== undefined) this.deps.keyring.put(this.#viewOf(snapshot), generation);
    } catch (error) {
      this.deps.logger.warn(
        { keySet: name, err: describe(error) },
        'reload after change failed; serving the previous keys',
      );
    }
  }

  view(name: string): KeySetView {
    const view = this.deps.keyring.get(name);
    if (view === undefined) throw new KeywardError('NOT_FOUND', `key set "${name}" does not exist`);
    return view;
  }

  list(): KeySetView[] {
    return this.deps.keyring.list();
  }

  /** The name of the key set holding `kid`, if any. */
  keySetOfKid(kid: string): string | undefined {
    return this.list().find((view) => view.keys.some((key) => key.kid === kid))?.keySet.name;
  }

  now(): Date {
    return this.deps.clock();
  }

  /** `deadline`: the caller's; key generation waiting for a slot past it is dropped. */
  async createKeySet(input: CreateKeySetInput, actor: string, deadline = CallDeadline.none()): Promise<KeySetView> {
    const name = validateKeySetName(input.name, 'key_set');
    const base = defaultPolicy(input.algorithm, input.rsaModulusBits, this.deps.policyContext);
    if (input.policy?.algorithm !== undefined && input.policy.algorithm !== base.algorithm) {
      throw invalidArgument('policy.algorithm', 'must be left unset or equal `algorithm`');
    }
    const policy = applyPolicyPatch(base, input.policy ?? {}, this.deps.policyContext);
    const issuer = input.issuer === undefined ? null : validateIssuer(input.issuer);
    const now = this.deps.clock();
    const keySet: KeySetRecord = { id: randomUUID(), name, kidScheme: input.kidScheme, issuer, createdAt: now, policy };
    const firstKey = await this.#mint(keySet, 'ACTIVE', now, deadline);
    await this.deps.store.createKeySet(keySet, firstKey, {
      at: now,
      kid: firstKey.kid,
      type: 'key_set.created',
      actor,
      reason: null,
      before: null,
      after: { policy, issuer, activeKid: firstKey.kid },
    });
    this.deps.logger.info({ keySet: name, kid: firstKey.kid, alg: policy.algorithm, actor }, 'key set created');
    await this.reload(name);
    return this.view(name);
  }

  /**
   * SCHEDULED publishes a pending successor (or returns the one under way); IMMEDIATE makes one
   * sign now. Every call is recorded as `key.rotation_requested`, with what it came to.
   */
  async rotate(
    name: string,
    mode: RotationMode,
    reason: string,
    actor: string,
    deadline = CallDeadline.none(),
  ): Promise<RotationResult> {
    const why = validateReason(reason);
    const result = await this.#applyPlan(
      name,
      (state, now) => planRotation(factsOf(state.keySet, state.keys), mode, now),
      { actor, reason: why },
      {
        deadline,
        requestEvent: (plan, created, now) => ({
          at: now,
          kid: plan.existingPendingKid ?? created?.kid ?? promotedKid(plan) ?? null,
          type: 'key.rotation_requested',
          outcome: plan.existingPendingKid === undefined ? 'applied' : 'already_pending',
          actor,
          reason: why,
          before: null,
          after: { mode },
        }),
      },
    );
    this.deps.logger.info({ keySet: name, mode, kid: result.created?.kid, actor }, 'rotation requested');
    return mode === 'IMMEDIATE' ? this.#immediateRotation(result) : this.#scheduledRotation(result);
  }

  #immediateRotation({ plan, view }: LifecycleResult<RotationPlan>): RotationResult {
    const signer = signingKeyOf(view);
    if (signer === undefined) throw new KeywardError('INTERNAL', 'immediate rotation left no signer');
    const steppedDown = plan?.changes.find((change) => change.kind === 'transition' && change.from === 'ACTIVE');
    return {
      newKey: signer,
      previousKid: steppedDown?.kind === 'transition' ? steppedDown.kid : undefined,
      activatesAt: signer.activatedAt ?? undefined,
      alreadyPending: false,
      warning: unseenKeyWarning(signer, this.deps.policyContext),
    };
  }

  #scheduledRotation({ plan, view }: LifecycleResult<RotationPlan>): RotationResult {
    const pending = pendingKeyOf(view);
    if (pending === undefined) throw new KeywardError('INTERNAL', 'scheduled rotation left no pending key');
    return {
      newKey: pending,
      // It signs until the pending key takes over.
      previousKid: view.signer?.kid,
      activatesAt: addSeconds(pending.createdAt, view.keySet.policy.prePublishPeriodSeconds),
      alreadyPending: plan?.existingPendingKid !== undefined,
      warning: undefined,
    };
  }

  /** `deadline`: the caller's; revoking the signer may mint a key, dropped once the caller has gone. */
  async revoke(kid: string, reason: string, actor: string, deadline = CallDeadline.none()): Promise<RevocationResult> {
    const why = validateReason(reason);
    if (why === null) throw invalidArgument('reason', 'is required: say why the key is revoked');
    const name = this.keySetOfKid(kid);
    if (name === undefined) throw new KeywardError('NOT_FOUND', `key ${kid} does not exist`);
    const result = await this.#applyPlan(
      name,
      (state, now) => planRevocation(factsOf(state.keySet, state.keys), kid, now),
      { actor, reason: why },
      { deadline },
    );
    this.deps.logger.warn({ keySet: name, kid, actor }, 'key revoked');
    const revoked = result.view.keys.find((key) => key.kid === kid);
    if (revoked === undefined) throw new KeywardError('INTERNAL', `revoked key ${kid} vanished`);
    const replacement = result.plan !== undefined && promotes(result.plan) ? signingKeyOf(result.view) : undefined;
    return {
      revoked,
      replacement,
      warning: replacement === undefined ? undefined : unseenKeyWarning(replacement, this.deps.policyContext),
    };
  }

  /** Every call is recorded; one that asks for the policy the key set already has, as `unchanged`. */
  async updatePolicy(name: string, patch: PolicyPatch, reason: string, actor: string): Promise<KeySetView> {
    const why = validateReason(reason);
    await this.deps.store.change(name, (current) => {
      const policy = applyPolicyPatch(current.keySet.policy, patch, this.deps.policyContext);
      return {
        changes: [],
        newKeys: [],
        policy,
        events: [
          {
            at: this.deps.clock(),
            kid: null,
            type: 'key_set.policy_updated',
            outcome: isDeepStrictEqual(policy, current.keySet.policy) ? 'unchanged' : 'applied',
            actor,
            reason: why,
            before: current.keySet.policy,
            after: policy,
          },
        ],
      };
    });
    this.deps.logger.info({ keySet: name, actor }, 'key set policy updated');
    await this.reload(name);
    return this.view(name);
  }

  /**
   * Applies the earliest lifecycle step due in a key set, if any, as the scheduler: only while
   * holding the scheduler lock, so one replica acts however many run.
   */
  async runDueStep(name: string): Promise<ChangeOutcome> {
    // The readiness share costs a query; only an activation hold needs it.
    const held = this.view(name).keySet.policy.activationReadiness !== null;
    const share = held ? (await this.readiness(name)).share : undefined;
    const result = await this.#applyPlan(
      name,
      (state, now) => nextDuePlan(factsOf(state.keySet, state.keys), now, () => share),
      { actor: 'scheduler', reason: null },
      { asScheduler: true },
    );
    return result.outcome;
  }

  /** How many recently seen clients have fetched the pending key (undefined share: none pending). */
  async readiness(name: string): Promise<Readiness> {
    return readinessOf(this.view(name), this.deps.store, this.deps.clock());
  }

  /** Readiness with the clients that lack the pending key, for GetRotationReadiness. */
  async readinessReport(name: string): Promise<ReadinessReport> {
    return readinessReportOf(this.view(name), this.deps.store, this.deps.clock());
  }

  async sign(name: string, content: SignContent, typ: string | undefined): Promise<SignResult> {
    const started = performance.now();
    const view = this.view(name);
    const signer = view.signer;
    if (signer === undefined || view.signingKeyId === undefined) {
      throw new KeywardError('FAILED_PRECONDITION', `key set "${name}" has no active signing key`);
    }
    const now = this.deps.clock();
    const { payload, expiresAt } = this.#payloadOf(content, view, now);
    const isJwt = 'claimsJson' in content;
    const header = typ === undefined ? (isJwt ? 'JWT' : undefined) : validateTyp(typ);
    const jws = await signer.sign(payload, header);
    this.deps.signatures.record(view.signingKeyId, now, expiresAt);
    this.deps.metrics.signed(name, signer.alg, (performance.now() - started) / 1_000);
    return { jws, kid: signer.kid, alg: signer.alg };
  }

  #payloadOf(content: SignContent, view: KeySetView, now: Date): { payload: Buffer; expiresAt?: Date } {
    if ('claimsJson' in content) {
      const { maxTokenTtlSeconds, excessTtl } = view.keySet.policy;
      const claims = prepareClaims(content.claimsJson, now, { maxSeconds: maxTokenTtlSeconds, excess: excessTtl });
      return { payload: claims.bytes, expiresAt: claims.expiresAt };
    }
    if (content.payload.length > MAX_CLAIMS_BYTES) {
      throw invalidArgument('payload', `is ${content.payload.length} bytes; the limit is ${MAX_CLAIMS_BYTES}`);
    }
    return { payload: content.payload };
  }

  /**
   * Decides on the in-memory state (minting a key first when the plan needs one, outside any
   * lock), then decides again on the locked state and writes that. The second decision is the one
   * that counts; the first only tells whether to spend time on key generation.
   */
  async #applyPlan<P extends Plan>(
    name: string,
    decide: (state: KeySetSnapshot, now: Date) => P | undefined,
    context: { actor: string; reason: string | null },
    options: { asScheduler?: boolean; deadline?: CallDeadline; requestEvent?: RequestEvent<P> } = {},
  ): Promise<LifecycleResult<P>> {
    const { deadline = CallDeadline.none(), requestEvent, ...changeOptions } = options;
    let minted: KeyRecord | undefined;
    let mustMint = false;
    for (let attempt = 0; attempt < MAX_PLAN_ATTEMPTS; attempt += 1) {
      const current = this.view(name);
      const preview = decide(current, this.deps.clock());
      // Nothing due in memory spares the database (the scheduler's common case). A decision that
      // changes nothing (a rotation already under way) still reads the locked state: memory may
      // be a moment behind another replica.
      if (preview === undefined)
        return { plan: undefined, created: undefined, outcome: 'nothing-to-do', view: current };
      if (minted === undefined && (mustMint || needsNewKey(preview))) {
        minted = await this.#mint(current.keySet, 'PENDING', this.deps.clock(), deadline);
      }
      let decided: { plan: P | undefined; created: KeyRecord | undefined } = { plan: undefined, created: undefined };
      const outcome = await this.deps.store.change(
        name,
        (locked) => {
          const now = this.deps.clock();
          const plan = decide(locked, now);
          decided = { plan, created: undefined };
          if (plan === undefined || (plan.changes.length === 0 && requestEvent === undefined)) return undefined;
          if (needsNewKey(plan) && minted === undefined) {
            mustMint = true;
            return undefined;
          }
          const { write, created } = planToWrite(plan, { ...context, now, minted });
          decided = { plan, created };
          if (requestEvent === undefined) return write;
          return { ...write, events: [requestEvent(plan, created, now), ...write.events] };
        },
        changeOptions,
      );
      if (outcome === 'nothing-to-do' && mustMint && minted === undefined) continue;
      // Written, or the locked state differed from memory (another request or replica got there
      // first): either way memory is behind, and the caller answers from it.
      if (outcome !== 'not-leader') await this.reload(name);
      return { ...decided, outcome, view: this.view(name) };
    }
    throw new KeywardError('UNAVAILABLE', `key set "${name}" kept changing during the request; try again`);
  }

  #mint(keySet: KeySetRecord, state: 'ACTIVE' | 'PENDING', now: Date, deadline: CallDeadline): Promise<KeyRecord> {
    return this.deps.keyGeneration.run(() => mintKey(keySet, state, now, this.deps.masterKeys), deadline);
  }

  #viewOf(snapshot: KeySetSnapshot): KeySetView {
    return buildKeySetView(snapshot, this.deps.masterKeys, this.deps.publicUrl);
  }
}

/** Whether a plan makes a key the signer: a pending one promoted, or a new one created active. */
function promotes(plan: Plan): boolean {
  return plan.changes.some((change) => (change.kind === 'transition' ? change.to : change.state) === 'ACTIVE');
}

/** The existing key a plan makes the signer, if any (a new key's kid is known once minted). */
function promotedKid(plan: Plan): string | undefined {
  const promotion = plan.changes.find((change) => change.kind === 'transition' && change.to === 'ACTIVE');
  return promotion?.kind === 'transition' ? promotion.kid : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
