import { Role, Scope } from '@keyward/proto/keyward/v1';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../parse.js';
import { parseGrant, ROLE_NAMES, roleName, roleOf, SCOPE_NAMES, scopeName } from './command.js';
import { COMMANDS } from './index.js';

function roleOption(text: string): Role {
  const parsed = parseCommandLine(['users', 'set-role', 'alice', '--role', text], COMMANDS);
  if (parsed.kind !== 'run') throw new Error('expected a command');
  return roleOf(parsed.input);
}

describe('roles', () => {
  it('are named after the Role enum, without its prefix and the unspecified value', () => {
    expect(ROLE_NAMES).toEqual(['viewer', 'operator', 'admin']);
    expect(roleName(Role.ROLE_OPERATOR)).toBe('operator');
    expect(roleName(Role.ROLE_UNSPECIFIED)).toBe('unspecified');
    expect(roleName(7 as Role)).toBe('7');
  });

  it('--role takes a name in any case and refuses anything else, listing the roles', () => {
    expect(roleOption('viewer')).toBe(Role.ROLE_VIEWER);
    expect(roleOption(' Admin ')).toBe(Role.ROLE_ADMIN);
    for (const text of ['superuser', 'unspecified', 'ROLE_ADMIN', '']) {
      expect(() => roleOption(text)).toThrow(
        expect.objectContaining({
          name: 'UsageError',
          message: `--role must be one of viewer, operator, admin, got ${JSON.stringify(text)}`,
          usage: 'usage: keyward users set-role <username> --role <viewer|operator|admin>',
        }),
      );
    }
  });
});

describe('scopes', () => {
  it('are named the same way, and parsed in grants', () => {
    expect(SCOPE_NAMES).toEqual(['sign', 'verify', 'decrypt', 'read', 'admin', 'report', 'operate']);
    expect(scopeName(Scope.SCOPE_OPERATE)).toBe('operate');
    expect(parseGrant('payments:Sign,read,sign')).toEqual({
      keySet: 'payments',
      scopes: [Scope.SCOPE_SIGN, Scope.SCOPE_READ],
    });
    expect(parseGrant('payments:root')).toBe(
      '--grant: unknown scope "root" (one of sign, verify, decrypt, read, admin, report, operate)',
    );
  });
});
