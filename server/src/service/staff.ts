import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { CallDeadline } from '../limits/call-deadline.js';
import type { ConcurrencyLimit } from '../limits/concurrency-limit.js';
import { hashPassword, UNKNOWN_USER_HASH, verifyPassword } from '../auth/passwords.js';
import { actorName, type Principal } from '../auth/principal.js';
import { type Role, ROLES } from '../model/roles.js';
import { INTERNAL_KEY_SET, SESSION_ISSUER } from '../auth/session-tokens.js';
import { invalidArgument, KeywardError } from '../errors.js';
import { addSeconds } from '../lifecycle/facts.js';
import type { PageQuery } from '../paging/pager.js';
import type { KeyStore } from '../store/key-store.js';
import type { KeyEventInput } from '../model/events.js';
import type { UserRecord } from '../model/user.js';
import type { EventOutcome, EventType } from '../model/event-types.js';
import type { KeyManager } from './key-manager.js';

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MIN_PASSWORD = 12;
const MAX_PASSWORD = 1_024;
const LOGIN_FAILED = 'invalid username or password';
/** The actor of a failed login: nobody has proven who they are. */
const ANONYMOUS = 'anonymous';

export interface StaffDeps {
  readonly store: KeyStore;
  readonly manager: KeyManager;
  readonly throttle: LoginThrottle;
  readonly passwordChecks: ConcurrencyLimit;
  readonly sessionTtlSeconds: number;
  readonly clock: () => Date;
  /** Refreshes this replica's authenticator before the caller is answered. */
  readonly reload: () => Promise<void>;
}

/** Staff accounts for people: created by admins, logged in for short sessions signed by Keyward. */
export class Staff {
  constructor(private readonly deps: StaffDeps) {}

  async createUser(username: string, password: string, role: Role, actor: string): Promise<UserRecord> {
    validateUsername(username);
    if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
      throw invalidArgument('password', `must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`);
    }
    const now = this.deps.clock();
    const user: UserRecord = {
      id: randomUUID(),
      username,
      passwordHash: await hashPassword(password),
      role,
      createdAt: now,
      createdBy: actor,
      disabledAt: null,
    };
    await this.deps.store.createUser(user, this.#event('user.created', actor, null, { username, role }));
    return user;
  }

  /** By username. */
  listUsers(page: PageQuery<string>): Promise<UserRecord[]> {
    return this.deps.store.listUsers(page);
  }

  async setRole(username: string, role: Role, actor: string): Promise<UserRecord> {
    return this.#update(username, { role }, this.#event('user.role_changed', actor, null, { username, role }));
  }

  async disable(username: string, actor: string): Promise<UserRecord> {
    const at = this.deps.clock();
    return this.#update(username, { disabledAt: at }, this.#event('user.disabled', actor, null, { username }));
  }

  /**
   * The answer never says whether the username exists: unknown users cost the same password check,
   * and failures are throttled per username whether it exists or not. Each attempt that reaches a
   * password check leaves an audit event; attempts refused while locked do not (the lock has one).
   */
  async login(
    username: string,
    password: string,
    deadline = CallDeadline.none(),
  ): Promise<{ token: string; expiresAt: Date; role: Role }> {
    validateUsername(username);
    const { throttle, store } = this.deps;
    const subject = throttle.subjectOf(username);
    const { user, matches } = await this.deps.passwordChecks.run(async () => {
      // Read inside the slot: guesses queued behind the failure that locks the username see the lock.
      const [failures, found] = await Promise.all([store.findLoginFailures(subject), store.findUser(username)]);
      throttle.assertOpen(failures, this.deps.clock());
      const checked = await verifyPassword(password.slice(0, MAX_PASSWORD), found?.passwordHash ?? UNKNOWN_USER_HASH);
      return { user: found, matches: checked };
    }, deadline);

    const now = this.deps.clock();
    if (user === undefined || !matches || user.disabledAt !== null) {
      const why =
        user === undefined ? 'unknown username' : user.disabledAt !== null ? 'account disabled' : 'wrong password';
      const failures = await store.recordLoginFailure({
        subject,
        next: (previous) => throttle.nextFailures(previous, now),
        // Only a real username is named: an unknown one may be a password typed in the wrong field.
        event: (after) =>
          this.#event(
            'user.login_failed',
            ANONYMOUS,
            why,
            { username: user === undefined ? null : username, failures: after.count, lockedUntil: after.lockedUntil },
            // keyward.proto: a failed login's outcome is `refused`, not the default `applied`.
            'refused',
          ),
        forgetBefore: throttle.forgetBefore(now),
      });
      await delay(throttle.delayMs(failures));
      throw new KeywardError('UNAUTHENTICATED', LOGIN_FAILED);
    }
    // A caller that has gone would never receive the token: start no session for it.
    deadline.assertWaiting();
    const sessionId = randomUUID();
    const expiresAt = addSeconds(now, this.deps.sessionTtlSeconds);
    const actor = `user:${user.username}`;
    await store.startSession(
      { id: sessionId, userId: user.id, createdAt: now, expiresAt },
      subject,
      this.#event('user.logged_in', actor, null, { username, sessionId, expiresAt }),
    );
    const claims = {
      iss: SESSION_ISSUER,
      sub: user.id,
      sid: sessionId,
      name: user.username,
      role: user.role,
      exp: Math.floor(expiresAt.getTime() / 1000),
    };
    const { jws } = await this.deps.manager.sign(INTERNAL_KEY_SET, { claimsJson: JSON.stringify(claims) }, 'JWT');
    await this.deps.reload();
    return { token: jws, expiresAt, role: user.role };
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.kind !== 'user') {
      throw new KeywardError(
        'FAILED_PRECONDITION',
        'Logout ends a login session; revoke an API token with RevokeApiToken',
      );
    }
    await this.deps.store.revokeSession(
      principal.id,
      this.#event('user.logged_out', actorName(principal), null, { username: principal.name, sessionId: principal.id }),
    );
    await this.deps.reload();
  }

  async #update(
    username: string,
    change: { role?: Role; disabledAt?: Date },
    event: KeyEventInput,
  ): Promise<UserRecord> {
    validateUsername(username);
    const user = await this.deps.store.updateUser(username, change, event);
    if (user === undefined) throw new KeywardError('NOT_FOUND', `user "${username}" does not exist`);
    await this.deps.reload();
    return user;
  }

  #event(type: EventType, actor: string, reason: string | null, after: unknown, outcome?: EventOutcome): KeyEventInput {
    return {
      at: this.deps.clock(),
      kid: null,
      type,
      actor,
      reason,
      before: null,
      after,
      ...(outcome === undefined ? {} : { outcome }),
    };
  }
}

export function parseRole(role: string | undefined): Role {
  if (role === undefined || !(ROLES as readonly string[]).includes(role)) {
    throw invalidArgument('role', `must be one of ${ROLES.join(', ')}`);
  }
  return role as Role;
}

function validateUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw invalidArgument(
      'username',
      'must be 1 to 64 characters of a-z, 0-9, ".", "-" and "_", starting with a letter or digit',
    );
  }
}
