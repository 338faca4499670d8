// Translation between Prisma's rows and the store's records.
import type { Algorithm, RsaModulusBits } from '../crypto/algorithms.js';
import type { PublicJwk } from '../crypto/jwk.js';
import type { KeySetPolicy } from '../lifecycle/policy.js';
import type { Prisma } from './generated/client.js';
import type { EventOutcome, EventType } from '../model/event-types.js';
import type { Grant } from '../model/grants.js';
import type { ApiTokenRecord } from '../model/api-token.js';
import type { KeyEventRecord } from '../model/events.js';
import type { KeyRecord } from '../model/key.js';
import type { KeySetRecord, KeySetSnapshot, KidScheme } from '../model/key-set.js';

type KeySetRow = Prisma.KeySetGetPayload<{ include: { keys: true } }>;
type KeyRow = KeySetRow['keys'][number];
type EventRow = Prisma.KeyEventGetPayload<{ include: { keySet: { select: { name: true } } } }>;
type ApiTokenRow = Prisma.ApiTokenGetPayload<object>;

export function toSnapshot(row: KeySetRow): KeySetSnapshot {
  return {
    keySet: {
      id: row.id,
      name: row.name,
      kidScheme: row.kidScheme as KidScheme,
      issuer: row.issuer,
      createdAt: row.createdAt,
      policy: {
        algorithm: row.algorithm as Algorithm,
        rsaModulusBits: row.rsaModulusBits as RsaModulusBits | null,
        rotationPeriodSeconds: row.rotationPeriodSeconds,
        prePublishPeriodSeconds: row.prePublishPeriodSeconds,
        gracePeriodSeconds: row.gracePeriodSeconds,
        retentionPeriodSeconds: row.retentionPeriodSeconds,
        maxTokenTtlSeconds: row.maxTokenTtlSeconds,
        excessTtl: row.excessTtl === 'clamp' ? 'clamp' : 'refuse',
        autoRotate: row.autoRotate,
        activationReadiness:
          row.activationMinShare === null || row.activationMaxDelaySeconds === null
            ? null
            : { minShare: row.activationMinShare, maxDelaySeconds: row.activationMaxDelaySeconds },
      },
    },
    keys: row.keys.map(toKeyRecord),
  };
}

function toKeyRecord(row: KeyRow): KeyRecord {
  const sealed =
    row.encryptedPrivateKey !== null && row.wrappedDataKey !== null && row.masterKeyId !== null
      ? {
          ciphertext: Buffer.from(row.encryptedPrivateKey),
          wrappedDataKey: Buffer.from(row.wrappedDataKey),
          masterKeyId: row.masterKeyId,
        }
      : null;
  return {
    id: row.id,
    keySetId: row.keySetId,
    kid: row.kid,
    alg: row.alg as Algorithm,
    use: row.use,
    state: row.state,
    publicJwk: row.publicJwk as unknown as PublicJwk,
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
    retiredAt: row.retiredAt,
    expiredAt: row.expiredAt,
    revokedAt: row.revokedAt,
    destroyedAt: row.destroyedAt,
    revocationReason: row.revocationReason,
    lastSignedAt: row.lastSignedAt,
    latestTokenExpiry: row.latestTokenExpiry,
    sealed,
  };
}

export function toEventRecord(row: EventRow): KeyEventRecord {
  return {
    id: row.id,
    keySet: row.keySet?.name ?? null,
    kid: row.kid,
    type: row.type as EventType,
    outcome: row.outcome as EventOutcome,
    actor: row.actor,
    reason: row.reason,
    before: row.before,
    after: row.after,
    at: row.createdAt,
  };
}

export function policyRowData(policy: KeySetPolicy) {
  return {
    algorithm: policy.algorithm,
    rsaModulusBits: policy.rsaModulusBits,
    rotationPeriodSeconds: policy.rotationPeriodSeconds,
    prePublishPeriodSeconds: policy.prePublishPeriodSeconds,
    gracePeriodSeconds: policy.gracePeriodSeconds,
    retentionPeriodSeconds: policy.retentionPeriodSeconds,
    maxTokenTtlSeconds: policy.maxTokenTtlSeconds,
    excessTtl: policy.excessTtl,
    autoRotate: policy.autoRotate,
    activationMinShare: policy.activationReadiness?.minShare ?? null,
    activationMaxDelaySeconds: policy.activationReadiness?.maxDelaySeconds ?? null,
  };
}

export function keySetRowData(keySet: KeySetRecord) {
  return {
    id: keySet.id,
    name: keySet.name,
    kidScheme: keySet.kidScheme,
    issuer: keySet.issuer,
    createdAt: keySet.createdAt,
    ...policyRowData(keySet.policy),
  };
}

export function keyRowData(key: KeyRecord) {
  return {
    id: key.id,
    keySetId: key.keySetId,
    kid: key.kid,
    alg: key.alg,
    use: key.use,
    state: key.state,
    publicJwk: key.publicJwk as unknown as Prisma.InputJsonObject,
    encryptedPrivateKey: bytesOrNull(key.sealed?.ciphertext),
    wrappedDataKey: bytesOrNull(key.sealed?.wrappedDataKey),
    masterKeyId: key.sealed?.masterKeyId ?? null,
    createdAt: key.createdAt,
    activatedAt: key.activatedAt,
    retiredAt: key.retiredAt,
    expiredAt: key.expiredAt,
    revokedAt: key.revokedAt,
    destroyedAt: key.destroyedAt,
    revocationReason: key.revocationReason,
    lastSignedAt: key.lastSignedAt,
    latestTokenExpiry: key.latestTokenExpiry,
  };
}

// Prisma wants Uint8Array over a plain ArrayBuffer; a Buffer may sit on a shared pool.
function bytesOrNull(bytes: Buffer | undefined): Uint8Array<ArrayBuffer> | null {
  return bytes === undefined ? null : new Uint8Array(bytes);
}

export function toApiTokenRecord(row: ApiTokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    tokenHash: Buffer.from(row.tokenHash),
    grants: row.grants as unknown as Grant[],
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
  };
}

export function apiTokenRowData(token: ApiTokenRecord) {
  return {
    id: token.id,
    name: token.name,
    tokenHash: new Uint8Array(token.tokenHash),
    grants: token.grants as unknown as Prisma.InputJsonArray,
    createdAt: token.createdAt,
    createdBy: token.createdBy,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    lastUsedAt: token.lastUsedAt,
  };
}
