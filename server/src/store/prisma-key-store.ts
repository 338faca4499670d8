import { PrismaPg } from '@prisma/adapter-pg';
import type { Algorithm } from '../crypto/algorithms.js';
import type { PublicJwk } from '../crypto/jwk.js';
import { KeywardError } from '../errors.js';
import type { KeyState, KeyUse } from '../lifecycle/states.js';
import { translateDatabaseError } from './database-errors.js';
import { PrismaClient, type Prisma } from './generated/client.js';
import type { KeyStore, RotationWrite } from './key-store.js';
import type {
  ApiTokenRecord,
  KeyEventInput,
  KeyRecord,
  KeySetRecord,
  KeySetSnapshot,
  KidScheme,
} from './records.js';

type KeySetRow = Prisma.KeySetGetPayload<{ include: { keys: true } }>;
type KeyRow = KeySetRow['keys'][number];

export interface PrismaKeyStoreOptions {
  readonly databaseUrl: string;
  /** How long a write waits for a connection before the database counts as unavailable. */
  readonly connectTimeoutMs?: number;
}

export class PrismaKeyStore implements KeyStore {
  readonly #prisma: InstanceType<typeof PrismaClient>;

  constructor(options: PrismaKeyStoreOptions) {
    const adapter = new PrismaPg({
      connectionString: options.databaseUrl,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
      max: 10,
    });
    this.#prisma = new PrismaClient({ adapter });
  }

  async listKeySets(): Promise<KeySetSnapshot[]> {
    const rows = await this.#run(() =>
      this.#prisma.keySet.findMany({ include: { keys: keysOldestFirst }, orderBy: { name: 'asc' } }),
    );
    return rows.map(toSnapshot);
  }

  async findKeySet(name: string): Promise<KeySetSnapshot | undefined> {
    const row = await this.#run(() =>
      this.#prisma.keySet.findUnique({ where: { name }, include: { keys: keysOldestFirst } }),
    );
    return row === null ? undefined : toSnapshot(row);
  }

  async createKeySet(keySet: KeySetRecord, firstKey: KeyRecord, event: KeyEventInput): Promise<void> {
    const alreadyExists = () =>
      new KeywardError('ALREADY_EXISTS', `key set "${keySet.name}" already exists`);
    await this.#run(
      () =>
        this.#prisma.$transaction(async (tx) => {
          await tx.keySet.create({
            data: {
              id: keySet.id,
              name: keySet.name,
              algorithm: keySet.algorithm,
              rsaModulusBits: keySet.rsaModulusBits,
              kidScheme: keySet.kidScheme,
              issuer: keySet.issuer,
              createdAt: keySet.createdAt,
            },
          });
          await tx.key.create({ data: keyRowData(firstKey) });
          await tx.keyEvent.create({ data: eventRowData(keySet.id, event) });
        }),
      alreadyExists,
    );
  }

  async rotate(keySetName: string, decide: (current: KeySetSnapshot) => RotationWrite): Promise<void> {
    await this.#run(() =>
      this.#prisma.$transaction(async (tx) => {
        // Row lock: concurrent rotations of one key set run one after the other, each seeing the
        // state the previous one left.
        const locked = await tx.$queryRaw<{ id: string }[]>`
          SELECT id::text AS id FROM key_sets WHERE name = ${keySetName} FOR UPDATE`;
        if (locked.length === 0) {
          throw new KeywardError('NOT_FOUND', `key set "${keySetName}" does not exist`);
        }
        const current = await tx.keySet.findUniqueOrThrow({
          where: { name: keySetName },
          include: { keys: keysOldestFirst },
        });
        const write = decide(toSnapshot(current));
        for (const change of write.changes) {
          const updated = await tx.key.updateMany({
            where: { keySetId: current.id, kid: change.kid, state: change.from },
            data: { state: change.to, ...timestampsFor(change.to, change.at) },
          });
          if (updated.count !== 1) {
            throw new KeywardError('FAILED_PRECONDITION', `key ${change.kid} changed state during the rotation`);
          }
        }
        await tx.key.create({ data: keyRowData(write.newKey) });
        await tx.keyEvent.create({ data: eventRowData(current.id, write.event) });
      }),
    );
  }

  async listApiTokens(): Promise<ApiTokenRecord[]> {
    const rows = await this.#run(() => this.#prisma.apiToken.findMany({ orderBy: { createdAt: 'asc' } }));
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      tokenHash: Buffer.from(row.tokenHash),
      role: row.role,
      expiresAt: row.expiresAt,
      revokedAt: row.revokedAt,
    }));
  }

  async ensureApiToken(token: ApiTokenRecord): Promise<boolean> {
    const inserted = await this.#run(() =>
      this.#prisma.apiToken.createMany({
        data: [
          {
            id: token.id,
            name: token.name,
            tokenHash: new Uint8Array(token.tokenHash),
            role: token.role,
            expiresAt: token.expiresAt,
            revokedAt: token.revokedAt,
          },
        ],
        skipDuplicates: true,
      }),
    );
    return inserted.count === 1;
  }

  async listMasterKeyIds(): Promise<string[]> {
    const rows = await this.#run(() => this.#prisma.masterKey.findMany({ orderBy: { createdAt: 'asc' } }));
    return rows.map((row) => row.id);
  }

  async recordMasterKeyId(id: string): Promise<void> {
    await this.#run(() => this.#prisma.masterKey.createMany({ data: [{ id }], skipDuplicates: true }));
  }

  async ping(): Promise<void> {
    await this.#run(() => this.#prisma.$executeRaw`SELECT 1`);
  }

  async close(): Promise<void> {
    await this.#prisma.$disconnect();
  }

  async #run<T>(operation: () => Promise<T>, onConflict?: () => KeywardError): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translateDatabaseError(error, onConflict);
    }
  }
}

const keysOldestFirst = { orderBy: [{ createdAt: 'asc' as const }, { kid: 'asc' as const }] };

function timestampsFor(state: KeyState, at: Date): { activatedAt?: Date; retiredAt?: Date } {
  if (state === 'ACTIVE') return { activatedAt: at };
  if (state === 'RETIRED') return { retiredAt: at };
  return {};
}

function keyRowData(key: KeyRecord) {
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
  };
}

// Prisma wants Uint8Array over a plain ArrayBuffer; a Buffer may sit on a shared pool.
function bytesOrNull(bytes: Buffer | undefined): Uint8Array<ArrayBuffer> | null {
  return bytes === undefined ? null : new Uint8Array(bytes);
}

function eventRowData(keySetId: string, event: KeyEventInput) {
  return {
    keySetId,
    kid: event.kid,
    type: event.type,
    actor: event.actor,
    reason: event.reason,
    before: jsonOrNull(event.before),
    after: jsonOrNull(event.after),
  };
}

function jsonOrNull(value: unknown) {
  return value === null || value === undefined ? undefined : (value as Prisma.InputJsonValue);
}

function toSnapshot(row: KeySetRow): KeySetSnapshot {
  return {
    keySet: {
      id: row.id,
      name: row.name,
      algorithm: row.algorithm as Algorithm,
      rsaModulusBits: row.rsaModulusBits,
      kidScheme: row.kidScheme as KidScheme,
      issuer: row.issuer,
      createdAt: row.createdAt,
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
    use: row.use as KeyUse,
    state: row.state as KeyState,
    publicJwk: row.publicJwk as unknown as PublicJwk,
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
    retiredAt: row.retiredAt,
    sealed,
  };
}
