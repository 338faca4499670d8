/** A username's recent failed logins (the record auth/login-throttle.ts decides on; kept in the store). */
export interface LoginFailures {
  readonly count: number;
  readonly lastFailureAt: Date;
  /** Null: not locked. */
  readonly lockedUntil: Date | null;
}
