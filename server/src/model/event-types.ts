// The audit trail's vocabulary: every event type the service writes, and what a request came to.
// keyward.proto's Event message lists the same sets; a test keeps the two in step.

export const EVENT_TYPES = [
  'key_set.created',
  'key_set.policy_updated',
  'key.rotation_requested',
  'key.published',
  'key.activated',
  'key.retired',
  'key.expired',
  'key.destroyed',
  'key.revoked',
  'key.rewrapped',
  'master_keys.rewrapped',
  'api_token.created',
  'api_token.revoked',
  'user.created',
  'user.role_changed',
  'user.disabled',
  'user.logged_in',
  'user.logged_out',
  'user.login_failed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

export const EVENT_OUTCOMES = [
  'applied',
  'already_pending',
  'already_revoked',
  'already_disabled',
  'unchanged',
  'refused',
] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];
