export const SCOPES = ['sign', 'verify', 'decrypt', 'read', 'operate', 'admin', 'report'] as const;
export type Scope = (typeof SCOPES)[number];

/** In a grant: every key set, and the service itself (creating key sets, managing tokens). */
export const EVERY_KEY_SET = '*';

export interface Grant {
  readonly keySet: string;
  readonly scopes: readonly Scope[];
}

/** What an RPC acts on, for the permission check. */
export type Target = { readonly keySet: string } | 'service';
