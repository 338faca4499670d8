// What every command module exports: its shape (words, arguments, options; see cli/args.ts) and
// `prepare`, which reads and checks the input first (a mistake is a usage error before any
// connection is made) and returns the action that calls the service and prints the result.

import { KeyState, Role, Scope, type Grant, type Key } from '@keyward/proto/keyward/v1';
import type { CommandInput, CommandShape } from '../args.js';
import { quoteArg } from '../args.js';
import type { KeywardRpc } from '../connection.js';
import { CliFailure } from '../failure.js';
import type { Terminal } from '../output.js';

export interface CommandContext {
  readonly rpc: KeywardRpc;
  /** --json: print the response as one JSON document instead of tables. */
  readonly json: boolean;
  /** Output, and standard input for the secrets piped in (protect them once read). */
  readonly out: Terminal;
  /** Standard output is a terminal (not a pipe or file). */
  readonly interactive: boolean;
}

export type Action = (context: CommandContext) => Promise<void>;

export interface Command extends CommandShape {
  /** Needs no token and sends none: Login, which is how a person gets one. */
  readonly anonymous?: boolean;
  prepare(input: CommandInput): Action;
}

/** One JSON document on standard output. */
export function printJson(context: CommandContext, value: unknown): void {
  context.out.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** A message member the service always sets; its absence is the service's fault, said plainly. */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new CliFailure(`the service's answer has no ${what}`);
  return value;
}

/** KEY_STATE_ACTIVE → "ACTIVE". */
export function stateName(state: KeyState): string {
  const name = KeyState[state];
  return name === undefined ? String(state) : name.replace(/^KEY_STATE_/, '');
}

/** When the key entered its present state. */
export function stateSince(key: Key): Date | undefined {
  switch (key.state) {
    case KeyState.KEY_STATE_ACTIVE:
      return key.activatedAt;
    case KeyState.KEY_STATE_RETIRED:
      return key.retiredAt;
    case KeyState.KEY_STATE_EXPIRED:
      return key.expiredAt;
    case KeyState.KEY_STATE_DESTROYED:
      return key.destroyedAt;
    case KeyState.KEY_STATE_REVOKED:
      return key.revokedAt;
    default:
      return key.createdAt;
  }
}

/** An enum's values by their names in lower case without the prefix, the unspecified 0 left out: SCOPE_SIGN → "sign". */
function lowerCaseNames<E extends number>(
  values: Readonly<Record<string, string | E>>,
  prefix: string,
): ReadonlyMap<string, E> {
  return new Map(
    Object.entries(values)
      .filter(
        (entry): entry is [string, E] => typeof entry[1] === 'number' && entry[0].startsWith(prefix) && entry[1] > 0,
      )
      .map(([name, value]) => [name.slice(prefix.length).toLowerCase(), value]),
  );
}

/** The reverse: ROLE_OPERATOR → "operator" (the number itself for a value this build does not know). */
function lowerCaseName(values: Readonly<Record<number, string>>, prefix: string, value: number): string {
  const name = values[value];
  return name === undefined ? String(value) : name.replace(prefix, '').toLowerCase();
}

const SCOPES = lowerCaseNames<Scope>(Scope, 'SCOPE_');

export const SCOPE_NAMES: readonly string[] = [...SCOPES.keys()];

export function scopeName(scope: Scope): string {
  return lowerCaseName(Scope, 'SCOPE_', scope);
}

const ROLES = lowerCaseNames<Role>(Role, 'ROLE_');

export const ROLE_NAMES: readonly string[] = [...ROLES.keys()];

export function roleName(role: Role): string {
  return lowerCaseName(Role, 'ROLE_', role);
}

/** --role, one of ROLE_NAMES (any case). */
export function roleOf(input: CommandInput): Role {
  const text = input.string('role') ?? '';
  const role = ROLES.get(text.trim().toLowerCase());
  if (role === undefined)
    throw input.usageError(`--role must be one of ${ROLE_NAMES.join(', ')}, got ${quoteArg(text)}`);
  return role;
}

/** "payments:sign,read *:admin" */
export function formatGrants(grants: readonly Grant[]): string {
  return grants.map((grant) => `${grant.keySet}:${grant.scopes.map(scopeName).join(',')}`).join(' ');
}

/**
 * `payments:sign,read` or `*:admin` → a Grant. Returns the problem as a string for the caller to
 * turn into a usage error.
 */
export function parseGrant(text: string): Grant | string {
  const colon = text.lastIndexOf(':');
  const keySet = text.slice(0, colon).trim();
  const scopeTexts = text
    .slice(colon + 1)
    .split(',')
    .map((scope) => scope.trim().toLowerCase());
  if (colon <= 0 || keySet === '' || scopeTexts.some((scope) => scope === '')) {
    return `--grant ${quoteArg(text)} is not <key-set>:<scope>[,<scope>...] (e.g. payments:sign,read or *:admin)`;
  }
  const scopes: Scope[] = [];
  for (const scopeText of scopeTexts) {
    const scope = SCOPES.get(scopeText);
    if (scope === undefined) return `--grant: unknown scope ${quoteArg(scopeText)} (one of ${SCOPE_NAMES.join(', ')})`;
    if (!scopes.includes(scope)) scopes.push(scope);
  }
  return { keySet, scopes };
}
