// What each lifecycle state allows. Every other module asks here rather than comparing states.

export const KEY_STATES = ['PENDING', 'ACTIVE', 'RETIRED', 'EXPIRED', 'DESTROYED', 'REVOKED'] as const;
export type KeyState = (typeof KEY_STATES)[number];

export const KEY_USES = ['sig', 'enc'] as const;
export type KeyUse = (typeof KEY_USES)[number];

/** In the JWKS: clients must be able to find the kid of every token that may still be in use. */
export function isPublished(state: KeyState): boolean {
  return state === 'PENDING' || state === 'ACTIVE' || state === 'RETIRED';
}

export function canSign(state: KeyState): boolean {
  return state === 'ACTIVE';
}

export function holdsPrivateMaterial(state: KeyState): boolean {
  return state !== 'DESTROYED';
}
