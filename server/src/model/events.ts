/** An entry of the audit log, as written with the change it records. */
export interface KeyEventInput {
  /** When it was recorded, by the service's clock (the one its decisions use). */
  readonly at: Date;
  readonly kid: string | null;
  readonly type: string;
  readonly actor: string;
  readonly reason: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

export interface KeyEventRecord extends KeyEventInput {
  readonly id: bigint;
  /** Null for events about the service itself (API tokens). */
  readonly keySet: string | null;
}
