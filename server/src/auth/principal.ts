export type Role = 'admin';

/** Who is calling. `name` appears in audit events; it is never the secret. */
export interface Principal {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

export function actorName(principal: Principal): string {
  return `token:${principal.name}`;
}
