import type { Grant } from '../model/grants.js';

/** Who is calling. `name` appears in audit events; it is never the secret. */
export interface Principal {
  readonly id: string;
  /** A machine's API token, or a person's login session. */
  readonly kind: 'token' | 'user';
  readonly name: string;
  readonly grants: readonly Grant[];
  readonly expiresAt: Date | null;
}

export function actorName(principal: Principal): string {
  return `${principal.kind}:${principal.name}`;
}
