import type { EventOutcome, EventType } from './event-types.js';

/** An entry of the audit log, as written with the change it records. */
export interface KeyEventInput {
  /** When it was recorded, by the service's clock (the one its decisions use). */
  readonly at: Date;
  readonly kid: string | null;
  readonly type: EventType;
  /** What the request came to; 'applied' when not given. */
  readonly outcome?: EventOutcome;
  readonly actor: string;
  readonly reason: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

export interface KeyEventRecord extends KeyEventInput {
  readonly id: bigint;
  readonly outcome: EventOutcome;
  /** Null for events about the service itself (API tokens). */
  readonly keySet: string | null;
}
