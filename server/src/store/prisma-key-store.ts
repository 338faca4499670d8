import { PrismaPg } from '@prisma/adapter-pg';
import type { SealedKey } from '../crypto/envelope.js';
import { KeywardError } from '../errors.js';
import type { CreationPosition, PageQuery } from '../paging/pager.js';
import { CHANGES_CHANNEL, encodeChangeNotice } from '../sync/channel.js';
import { translateDatabaseError } from './database-errors.js';
import { PrismaClient, type Prisma } from './generated/client.js';
import type {
  ChangeOptions,
  ChangeOutcome,
  ClientSighting,
  EventFilter,
  KeySetWrite,
  KeyStore,
  LoginFailureWrite,
  ReadinessCounts,
  SessionStart,
  SightedClient,
  StateChange,
} from './key-store.js';
import {
  apiTokenRowData,
  keyRowData,
  keySetRowData,
  policyRowData,
  toApiTokenRecord,
  toEventRecord,
  toSnapshot,
} from './rows.js';
import type { LoginFailures } from '../model/login-failures.js';
import type { Role } from '../model/roles.js';
import type { ActiveSession } from '../model/session.js';
import type { ApiTokenRecord } from '../model/api-token.js';
import type { KeyEventInput, KeyEventRecord } from '../model/events.js';
import type { KeyRecord } from '../model/key.js';
import type { KeySetRecord, KeySetSnapshot } from '../model/key-set.js';
import type { UserRecord } from '../model/user.js';
import type { FailureBucket, FailureTotal, UnknownKidSample } from '../model/verification-failures.js';
import type { VerifyReason } from '../model/verify-reasons.js';
import type { FailureCompaction, FailureCountQuery, FailureCountRow, FailureStore } from './failure-store.js';
import type { SignatureCountQuery, SignatureStore, SignatureUsage } from './signature-store.js';
import type { StepCount } from '../model/time-steps.js';

type Transaction = Prisma.TransactionClient;

export interface PrismaKeyStoreOptions {
  readonly databaseUrl: string;
  /** How long a write waits for a connection before the database counts as unavailable. */
  readonly connectTimeoutMs?: number;
}

// Any fixed number unlikely to collide with another application's advisory locks.
export const SCHEDULER_LOCK = 0x6b657977; // "keyw"
// The failure roll-up's own lock, so it never makes a lifecycle step wait or skip.
export const FAILURE_COMPACTION_LOCK = 0x6b657766; // "kewf"
// Unknown kids sampled per key set and hour; a flush may overshoot it by its own batch, no more.
const UNKNOWN_KID_SAMPLE_LIMIT = 20;
const LIFECYCLE_EVENT_TYPES = ['key.published', 'key.activated', 'key.retired', 'key.expired', 'key.revoked'];

const keysOldestFirst = { orderBy: [{ createdAt: 'asc' as const }, { kid: 'asc' as const }] };

export class PrismaKeyStore implements KeyStore, FailureStore, SignatureStore {
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
    const alreadyExists = () => new KeywardError('ALREADY_EXISTS', `key set "${keySet.name}" already exists`);
    await this.#run(
      () =>
        this.#prisma.$transaction(async (tx) => {
          await tx.keySet.create({ data: keySetRowData(keySet) });
          await tx.key.create({ data: keyRowData(firstKey) });
          await tx.keyEvent.create({ data: eventRowData(keySet.id, event) });
          await notify(tx, keySet.name);
        }),
      alreadyExists,
    );
  }

  async change(
    keySetName: string,
    decide: (current: KeySetSnapshot) => KeySetWrite | undefined,
    options: ChangeOptions = {},
  ): Promise<ChangeOutcome> {
    return this.#run(() =>
      this.#prisma.$transaction(async (tx): Promise<ChangeOutcome> => {
        if (options.asScheduler === true) {
          const [lock] = await tx.$queryRaw<{ acquired: boolean }[]>`
            SELECT pg_try_advisory_xact_lock(${SCHEDULER_LOCK}) AS acquired`;
          if (lock?.acquired !== true) return 'not-leader';
        }
        // Row lock: changes to one key set run one after the other, each seeing the state the
        // previous one left.
        const locked = await tx.$queryRaw<{ id: string }[]>`
          SELECT id::text AS id FROM key_sets WHERE name = ${keySetName} FOR UPDATE`;
        if (locked.length === 0) throw new KeywardError('NOT_FOUND', `key set "${keySetName}" does not exist`);
        const current = await tx.keySet.findUniqueOrThrow({
          where: { name: keySetName },
          include: { keys: keysOldestFirst },
        });
        const write = decide(toSnapshot(current));
        if (write === undefined) return 'nothing-to-do';
        if (write.policy !== undefined) {
          await tx.keySet.update({ where: { id: current.id }, data: policyRowData(write.policy) });
        }
        for (const change of write.changes) await applyStateChange(tx, current.id, change);
        for (const key of write.newKeys) await tx.key.create({ data: keyRowData(key) });
        for (const event of write.events) await tx.keyEvent.create({ data: eventRowData(current.id, event) });
        await notify(tx, keySetName);
        return 'written';
      }),
    );
  }

  async listEvents(filter: EventFilter): Promise<KeyEventRecord[]> {
    const rows = await this.#run(() =>
      this.#prisma.keyEvent.findMany({
        where: {
          ...(filter.keySet === undefined ? {} : { keySet: { name: filter.keySet } }),
          ...(filter.kid === undefined ? {} : { kid: filter.kid }),
          ...(filter.actor === undefined ? {} : { actor: filter.actor }),
          ...(filter.type === undefined ? {} : { type: filter.type }),
          ...(filter.from === undefined && filter.to === undefined
            ? {}
            : {
                createdAt: {
                  ...(filter.from === undefined ? {} : { gte: filter.from }),
                  ...(filter.to === undefined ? {} : { lt: filter.to }),
                },
              }),
          ...(filter.beforeId === undefined ? {} : { id: { lt: filter.beforeId } }),
        },
        include: { keySet: { select: { name: true } } },
        orderBy: { id: 'desc' },
        take: filter.limit,
      }),
    );
    return rows.map(toEventRecord);
  }

  async recordSignatures(usage: SignatureUsage): Promise<void> {
    if (usage.counts.length === 0 && usage.lastSignedAt.length === 0) return;
    await this.#run(() =>
      this.#prisma.$transaction(async (tx) => {
        if (usage.counts.length > 0) {
          await tx.$executeRaw`
            INSERT INTO key_signature_counts (key_id, minute, count)
            SELECT * FROM unnest(
              ${usage.counts.map((c) => c.keyId)}::uuid[],
              ${usage.counts.map((c) => c.minute)}::timestamptz[],
              ${usage.counts.map((c) => c.count)}::bigint[])
            ON CONFLICT (key_id, minute) DO UPDATE SET count = key_signature_counts.count + EXCLUDED.count`;
        }
        if (usage.lastSignedAt.length > 0) {
          await tx.$executeRaw`
            UPDATE keys SET
              last_signed_at = GREATEST(keys.last_signed_at, v.at),
              latest_token_expiry = GREATEST(keys.latest_token_expiry, v.expiry)
            FROM unnest(
              ${usage.lastSignedAt.map((l) => l.keyId)}::uuid[],
              ${usage.lastSignedAt.map((l) => l.at)}::timestamptz[],
              ${usage.lastSignedAt.map((l) => l.latestTokenExpiry)}::timestamptz[]) AS v(id, at, expiry)
            WHERE keys.id = v.id`;
        }
      }),
    );
  }

  async signatureCounts(query: SignatureCountQuery): Promise<StepCount[]> {
    return this.#run(
      () => this.#prisma.$queryRaw<StepCount[]>`
        SELECT k.kid AS key,
               floor(extract(epoch FROM c.minute - ${query.from}::timestamptz) / ${query.stepSeconds})::int AS step,
               sum(c.count)::bigint AS count
        FROM key_signature_counts c
          JOIN keys k ON k.id = c.key_id
          JOIN key_sets s ON s.id = k.key_set_id
        WHERE s.name = ${query.keySet} AND (${query.kid ?? null}::text IS NULL OR k.kid = ${query.kid ?? null})
          AND c.minute >= ${query.from} AND c.minute < ${query.to}
        GROUP BY 1, 2
        ORDER BY 1, 2`,
    );
  }

  async recordSightings(sightings: readonly ClientSighting[]): Promise<void> {
    if (sightings.length === 0) return;
    await this.#run(
      () => this.#prisma.$executeRaw`
        INSERT INTO jwks_client_sightings (key_set_id, client_hash, first_seen, last_seen, newest_key_seen)
        SELECT s.id, v.hash, v.first_seen, v.last_seen, v.newest_key_seen
        FROM unnest(
          ${sightings.map((s) => s.keySet)}::text[],
          ${sightings.map((s) => new Uint8Array(s.clientHash))}::bytea[],
          ${sightings.map((s) => s.firstSeen)}::timestamptz[],
          ${sightings.map((s) => s.lastSeen)}::timestamptz[],
          ${sightings.map((s) => s.newestKeySeen)}::timestamptz[]) AS v(name, hash, first_seen, last_seen, newest_key_seen)
        JOIN key_sets s ON s.name = v.name
        ON CONFLICT (key_set_id, client_hash) DO UPDATE SET
          first_seen = LEAST(jwks_client_sightings.first_seen, EXCLUDED.first_seen),
          last_seen = GREATEST(jwks_client_sightings.last_seen, EXCLUDED.last_seen),
          newest_key_seen = GREATEST(jwks_client_sightings.newest_key_seen, EXCLUDED.newest_key_seen)`,
    );
  }

  async readinessCounts(keySetName: string, since: Date, keyCreatedAt: Date): Promise<ReadinessCounts> {
    const [row] = await this.#run(
      () => this.#prisma.$queryRaw<{ seen: bigint; holding: bigint }[]>`
        SELECT count(*) AS seen, count(*) FILTER (WHERE c.newest_key_seen >= ${keyCreatedAt}) AS holding
        FROM jwks_client_sightings c JOIN key_sets s ON s.id = c.key_set_id
        WHERE s.name = ${keySetName} AND c.last_seen >= ${since}`,
    );
    return { seen: Number(row?.seen ?? 0), holdingKey: Number(row?.holding ?? 0) };
  }

  async clientsLackingKey(
    keySetName: string,
    since: Date,
    keyCreatedAt: Date,
    limit: number,
  ): Promise<SightedClient[]> {
    const rows = await this.#run(
      () => this.#prisma.$queryRaw<
        { client_hash: Uint8Array; first_seen: Date; last_seen: Date; newest_key_seen: Date }[]
      >`
        SELECT c.client_hash, c.first_seen, c.last_seen, c.newest_key_seen
        FROM jwks_client_sightings c JOIN key_sets s ON s.id = c.key_set_id
        WHERE s.name = ${keySetName} AND c.last_seen >= ${since} AND c.newest_key_seen < ${keyCreatedAt}
        ORDER BY c.last_seen DESC, c.client_hash
        LIMIT ${limit}`,
    );
    return rows.map((row) => ({
      clientHash: Buffer.from(row.client_hash),
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      newestKeySeen: row.newest_key_seen,
    }));
  }

  async listApiTokens(page?: PageQuery<CreationPosition>): Promise<ApiTokenRecord[]> {
    const after = page?.after;
    const rows = await this.#run(() =>
      this.#prisma.apiToken.findMany({
        where:
          after === undefined
            ? {}
            : { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        ...(page === undefined ? {} : { take: page.limit }),
      }),
    );
    return rows.map(toApiTokenRecord);
  }

  async ensureApiToken(token: ApiTokenRecord): Promise<boolean> {
    const inserted = await this.#run(() =>
      this.#prisma.apiToken.createMany({ data: [apiTokenRowData(token)], skipDuplicates: true }),
    );
    return inserted.count === 1;
  }

  async createApiToken(token: ApiTokenRecord, event: KeyEventInput): Promise<void> {
    await this.#run(() =>
      this.#prisma.$transaction(async (tx) => {
        await tx.apiToken.create({ data: apiTokenRowData(token) });
        await tx.keyEvent.create({ data: eventRowData(null, event) });
        await notifyTokens(tx);
      }),
    );
  }

  async revokeApiToken(id: string, event: KeyEventInput): Promise<ApiTokenRecord | undefined> {
    return this.#run(() =>
      this.#prisma.$transaction(async (tx) => {
        const updated = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: event.at } });
        const row = await tx.apiToken.findUnique({ where: { id } });
        if (row === null) return undefined;
        if (updated.count === 1) {
          await tx.keyEvent.create({ data: eventRowData(null, event) });
          await notifyTokens(tx);
        } else {
          await tx.keyEvent.create({ data: eventRowData(null, { ...event, outcome: 'already_revoked' }) });
        }
        return toApiTokenRecord(row);
      }),
    );
  }

  async recordTokenUse(uses: readonly { tokenId: string; at: Date }[]): Promise<void> {
    if (uses.length === 0) return;
    await this.#run(
      () => this.#prisma.$executeRaw`
        UPDATE api_tokens SET last_used_at = GREATEST(api_tokens.last_used_at, v.at)
        FROM unnest(${uses.map((u) => u.tokenId)}::uuid[], ${uses.map((u) => u.at)}::timestamptz[]) AS v(id, at)
        WHERE api_tokens.id = v.id`,
    );
  }

  async recordEvent(event: KeyEventInput): Promise<void> {
    await this.#run(() => this.#prisma.keyEvent.create({ data: eventRowData(null, event) }));
  }

  async replaceSealedKey(
    keySetId: string,
    kid: string,
    expectedMasterKeyId: string,
    sealed: SealedKey,
    event: KeyEventInput,
  ): Promise<boolean> {
    return this.#run(() =>
      this.#prisma.$transaction(async (tx) => {
        const updated = await tx.key.updateMany({
          where: { keySetId, kid, masterKeyId: expectedMasterKeyId, state: { not: 'DESTROYED' } },
          data: {
            encryptedPrivateKey: new Uint8Array(sealed.ciphertext),
            wrappedDataKey: new Uint8Array(sealed.wrappedDataKey),
            masterKeyId: sealed.masterKeyId,
          },
        });
        if (updated.count !== 1) return false;
        await tx.keyEvent.create({ data: eventRowData(keySetId, event) });
        return true;
      }),
    );
  }

  async createUser(user: UserRecord, event: KeyEventInput): Promise<void> {
    const taken = () => new KeywardError('ALREADY_EXISTS', `user "${user.username}" already exists`);
    await this.#run(
      () =>
        this.#prisma.$transaction(async (tx) => {
          await tx.user.create({ data: { ...user } });
          await tx.keyEvent.create({ data: eventRowData(null, event) });
          await notifyTokens(tx);
        }),
      taken,
    );
  }

  async listUsers(page: PageQuery<string>): Promise<UserRecord[]> {
    const rows = await this.#run(() =>
      this.#prisma.user.findMany({
        where: page.after === undefined ? {} : { username: { gt: page.after } },
        orderBy: { username: 'asc' },
        take: page.limit,
      }),
    );
    return rows.map(toUserRecord);
  }

  async findUser(username: string): Promise<UserRecord | undefined> {
    const row = await this.#run(() => this.#prisma.user.findUnique({ where: { username } }));
    return row === null ? undefined : toUserRecord(row);
  }

  async updateUser(
    username: string,
    change: { readonly role?: Role; readonly disabledAt?: Date },
    event: KeyEventInput,
  ): Promise<UserRecord | undefined> {
    return this.#run(() =>
      this.#prisma.$transaction(async (tx) => {
        // Disabling keeps the first time it was done; doing it again changes nothing.
        const where = change.disabledAt === undefined ? { username } : { username, disabledAt: null };
        const updated = await tx.user.updateMany({ where, data: change });
        const row = await tx.user.findUnique({ where: { username } });
        if (row === null) return undefined;
        if (updated.count !== 1) {
          await tx.keyEvent.create({ data: eventRowData(null, { ...event, outcome: 'already_disabled' }) });
          return toUserRecord(row);
        }
        await tx.session.updateMany({ where: { userId: row.id, revokedAt: null }, data: { revokedAt: event.at } });
        await tx.keyEvent.create({ data: eventRowData(null, event) });
        await notifyTokens(tx);
        return toUserRecord(row);
      }),
    );
  }

  async startSession(session: SessionStart, loginSubject: Buffer, event: KeyEventInput): Promise<void> {
    await this.#run(() =>
      this.#prisma.$transaction(async (tx) => {
        await tx.session.create({ data: session });
        await tx.loginFailure.deleteMany({ where: { subject: new Uint8Array(loginSubject) } });
        await tx.keyEvent.create({ data: eventRowData(null, event) });
        await notifyTokens(tx);
      }),
    );
  }

  async revokeSession(id: string, event: KeyEventInput): Promise<void> {
    await this.#run(() =>
      this.#prisma.$transaction(async (tx) => {
        const revoked = await tx.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: event.at } });
        if (revoked.count === 0) return;
        await tx.keyEvent.create({ data: eventRowData(null, event) });
        await notifyTokens(tx);
      }),
    );
  }

  async findLoginFailures(subject: Buffer): Promise<LoginFailures | undefined> {
    const row = await this.#run(() =>
      this.#prisma.loginFailure.findUnique({ where: { subject: new Uint8Array(subject) } }),
    );
    return row === null ? undefined : toLoginFailures(row);
  }

  async recordLoginFailure(failure: LoginFailureWrite): Promise<LoginFailures> {
    const subject = new Uint8Array(failure.subject);
    return this.#run(() =>
      this.#prisma.$transaction(async (tx) => {
        await tx.loginFailure.deleteMany({ where: { lastFailureAt: { lt: failure.forgetBefore } } });
        // The first failure of a username has no row to lock: two replicas inserting it at once
        // must both end up counting on the one row.
        await tx.$executeRaw`
          INSERT INTO login_failures (subject, count, last_failure_at) VALUES (${subject}, 0, to_timestamp(0))
          ON CONFLICT (subject) DO NOTHING`;
        const [locked] = await tx.$queryRaw<{ count: number; lastFailureAt: Date; lockedUntil: Date | null }[]>`
          SELECT count, last_failure_at AS "lastFailureAt", locked_until AS "lockedUntil"
          FROM login_failures WHERE subject = ${subject} FOR UPDATE`;
        // count 0: the row was inserted just now, in this transaction or a concurrent one.
        const previous = locked === undefined || locked.count === 0 ? undefined : toLoginFailures(locked);
        const next = failure.next(previous);
        await tx.loginFailure.update({ where: { subject }, data: { ...next } });
        await tx.keyEvent.create({ data: eventRowData(null, failure.event(next)) });
        return next;
      }),
    );
  }

  async listActiveSessions(now: Date): Promise<ActiveSession[]> {
    const rows = await this.#run(() =>
      this.#prisma.session.findMany({
        where: { revokedAt: null, expiresAt: { gt: now }, user: { disabledAt: null } },
        include: { user: { select: { username: true, role: true } } },
      }),
    );
    return rows.map((row) => ({
      id: row.id,
      userId: row.userId,
      username: row.user.username,
      role: row.user.role as Role,
      expiresAt: row.expiresAt,
    }));
  }

  async listMasterKeyIds(): Promise<string[]> {
    const rows = await this.#run(() => this.#prisma.masterKey.findMany({ orderBy: { createdAt: 'asc' } }));
    return rows.map((row) => row.id);
  }

  async recordMasterKeyId(id: string): Promise<void> {
    await this.#run(() => this.#prisma.masterKey.createMany({ data: [{ id }], skipDuplicates: true }));
  }

  async recordFailures(buckets: readonly FailureBucket[], samples: readonly UnknownKidSample[]): Promise<void> {
    if (buckets.length === 0 && samples.length === 0) return;
    await this.#run(() =>
      this.#prisma.$transaction(async (tx) => {
        if (buckets.length > 0) {
          await tx.$executeRaw`
            INSERT INTO verification_failure_counts (key_set_id, start, seconds, client, kid, reason, alg, count)
            SELECT s.id, v.start, 60, v.client, v.kid, v.reason, v.alg, v.count
            FROM unnest(
              ${buckets.map((b) => b.keySet)}::text[],
              ${buckets.map((b) => b.minute)}::timestamptz[],
              ${buckets.map((b) => b.client)}::text[],
              ${buckets.map((b) => b.kid)}::text[],
              ${buckets.map((b) => b.reason)}::text[],
              ${buckets.map((b) => b.alg)}::text[],
              ${buckets.map((b) => b.count)}::bigint[]) AS v(name, start, client, kid, reason, alg, count)
            JOIN key_sets s ON s.name = v.name
            ON CONFLICT (key_set_id, start, seconds, client, kid, reason, alg)
              DO UPDATE SET count = verification_failure_counts.count + EXCLUDED.count`;
        }
        if (samples.length > 0) {
          await tx.$executeRaw`
            INSERT INTO verification_failure_unknown_kids (key_set_id, hour, kid)
            SELECT s.id, v.hour, v.kid
            FROM unnest(
              ${samples.map((k) => k.keySet)}::text[],
              ${samples.map((k) => k.hour)}::timestamptz[],
              ${samples.map((k) => k.kid)}::text[]) AS v(name, hour, kid)
            JOIN key_sets s ON s.name = v.name
            WHERE (SELECT count(*) FROM verification_failure_unknown_kids u
                   WHERE u.key_set_id = s.id AND u.hour = v.hour) < ${UNKNOWN_KID_SAMPLE_LIMIT}
            ON CONFLICT DO NOTHING`;
        }
      }),
    );
  }

  async failureCounts(query: FailureCountQuery): Promise<FailureCountRow[]> {
    const rows = await this.#run(
      () => this.#prisma.$queryRaw<{ key: string; step: number; count: bigint }[]>`
        SELECT CASE ${query.groupBy} WHEN 'reason' THEN c.reason WHEN 'kid' THEN c.kid ELSE c.client END AS key,
               floor(extract(epoch FROM c.start - ${query.from}::timestamptz) / ${query.stepSeconds})::int AS step,
               sum(c.count)::bigint AS count
        FROM verification_failure_counts c JOIN key_sets s ON s.id = c.key_set_id
        WHERE s.name = ${query.keySet} AND c.start >= ${query.from} AND c.start < ${query.to}
        GROUP BY 1, 2
        ORDER BY 1, 2`,
    );
    return rows;
  }

  async failureTotals(keySet: string, from: Date, to: Date): Promise<FailureTotal[]> {
    const rows = await this.#run(
      () => this.#prisma.$queryRaw<{ kid: string; reason: string; client: string; count: bigint; lastAt: Date }[]>`
        SELECT c.kid, c.reason, c.client, sum(c.count)::bigint AS count,
               max(c.start + c.seconds * interval '1 second') AS "lastAt"
        FROM verification_failure_counts c JOIN key_sets s ON s.id = c.key_set_id
        WHERE s.name = ${keySet} AND c.start >= ${from} AND c.start < ${to}
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3`,
    );
    // Only the aggregator writes these rows, and it writes VerifyReason values.
    return rows.map((row) => ({ ...row, reason: row.reason as VerifyReason }));
  }

  async unknownKidSamples(keySet: string, from: Date, to: Date, limit: number): Promise<string[]> {
    const rows = await this.#run(
      () => this.#prisma.$queryRaw<{ kid: string }[]>`
        SELECT DISTINCT u.kid FROM verification_failure_unknown_kids u JOIN key_sets s ON s.id = u.key_set_id
        WHERE s.name = ${keySet} AND u.hour > ${from}::timestamptz - interval '1 hour' AND u.hour < ${to}
        ORDER BY u.kid LIMIT ${limit}`,
    );
    return rows.map((row) => row.kid);
  }

  async lifecycleEvents(keySet: string, from: Date, to: Date, limit: number): Promise<KeyEventRecord[]> {
    const rows = await this.#run(() =>
      this.#prisma.keyEvent.findMany({
        where: {
          keySet: { name: keySet },
          type: { in: LIFECYCLE_EVENT_TYPES },
          outcome: 'applied',
          createdAt: { gte: from, lt: to },
        },
        include: { keySet: { select: { name: true } } },
        orderBy: { id: 'asc' },
        take: limit,
      }),
    );
    return rows.map(toEventRecord);
  }

  async compactFailures({ rollUpBefore, deleteBefore }: FailureCompaction): Promise<'done' | 'not-leader'> {
    return this.#run(() =>
      this.#prisma.$transaction(async (tx) => {
        const [lock] = await tx.$queryRaw<{ acquired: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(${FAILURE_COMPACTION_LOCK}) AS acquired`;
        if (lock?.acquired !== true) return 'not-leader' as const;
        await tx.$executeRaw`
          WITH moved AS (
            DELETE FROM verification_failure_counts
            WHERE seconds = 60 AND start < ${rollUpBefore}
            RETURNING key_set_id, start, client, kid, reason, alg, count)
          INSERT INTO verification_failure_counts (key_set_id, start, seconds, client, kid, reason, alg, count)
          SELECT key_set_id, date_bin('1 hour', start, TIMESTAMPTZ 'epoch'), 3600, client, kid, reason, alg, sum(count)
          FROM moved GROUP BY 1, 2, 4, 5, 6, 7
          ON CONFLICT (key_set_id, start, seconds, client, kid, reason, alg)
            DO UPDATE SET count = verification_failure_counts.count + EXCLUDED.count`;
        await tx.$executeRaw`DELETE FROM verification_failure_counts WHERE start < ${deleteBefore}`;
        await tx.$executeRaw`DELETE FROM verification_failure_unknown_kids WHERE hour < ${deleteBefore}`;
        return 'done' as const;
      }),
    );
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

function toLoginFailures(row: { count: number; lastFailureAt: Date; lockedUntil: Date | null }): LoginFailures {
  return { count: row.count, lastFailureAt: row.lastFailureAt, lockedUntil: row.lockedUntil };
}

function toUserRecord(row: {
  id: string;
  username: string;
  passwordHash: string;
  role: string;
  createdAt: Date;
  createdBy: string | null;
  disabledAt: Date | null;
}): UserRecord {
  return { ...row, role: row.role as Role };
}

// Delivered to every replica's listener when the transaction commits, never before.
async function notify(tx: Transaction, keySet: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, ${encodeChangeNotice({ keySet, at: new Date() })})`;
}

/** Credentials changed (tokens, users or sessions): every replica reloads what it authenticates with. */
async function notifyTokens(tx: Transaction): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, ${encodeChangeNotice({ tokens: true, at: new Date() })})`;
}

const TIMESTAMP_OF: Partial<Record<StateChange['to'], string>> = {
  ACTIVE: 'activatedAt',
  RETIRED: 'retiredAt',
  EXPIRED: 'expiredAt',
  REVOKED: 'revokedAt',
  DESTROYED: 'destroyedAt',
};

async function applyStateChange(tx: Transaction, keySetId: string, change: StateChange): Promise<void> {
  const timestamp = TIMESTAMP_OF[change.to];
  const data: Prisma.KeyUpdateManyMutationInput = {
    state: change.to,
    ...(timestamp === undefined ? {} : { [timestamp]: change.at }),
    ...(change.to === 'REVOKED' ? { revocationReason: change.reason ?? null } : {}),
    // Destruction erases the private material; the row stays for the record.
    ...(change.to === 'DESTROYED' ? { encryptedPrivateKey: null, wrappedDataKey: null, masterKeyId: null } : {}),
  };
  // Guarded by the expected state: a change decided on stale facts writes nothing and fails.
  const updated = await tx.key.updateMany({ where: { keySetId, kid: change.kid, state: change.from }, data });
  if (updated.count !== 1) {
    throw new KeywardError('FAILED_PRECONDITION', `key ${change.kid} is no longer ${change.from}`);
  }
}

function eventRowData(keySetId: string | null, event: KeyEventInput) {
  return {
    keySetId,
    createdAt: event.at,
    kid: event.kid,
    type: event.type,
    actor: event.actor,
    reason: event.reason,
    outcome: event.outcome ?? 'applied',
    before: jsonOrUndefined(event.before),
    after: jsonOrUndefined(event.after),
  };
}

function jsonOrUndefined(value: unknown) {
  return value === null || value === undefined ? undefined : (value as Prisma.InputJsonValue);
}
