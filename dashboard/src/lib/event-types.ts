// The audit trail's event types, for the filter's select. The dashboard may not import server/, so
// this is a copy of the closed list that keyward.proto documents for Event.type; a test compares them.

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
