// keyward users list | users create <username> --role <role> --password-stdin
//   | users set-role <username> --role <role> | users disable <username>
// Staff accounts, for people (machines have API tokens). A password is read from standard input,
// never taken as an argument; Keyward keeps only its hash.

import {
  CreateUserResponse,
  DisableUserResponse,
  ListUsersResponse,
  SetUserRoleResponse,
  type User,
} from '@keyward/proto/keyward/v1';
import { readPassword } from '../stdin.js';
import { formatFields, formatTable, type Cell } from '../table.js';
import { present, printJson, ROLE_NAMES, roleName, roleOf, type Command, type CommandContext } from './command.js';
import { wholeList } from '../pages.js';

const ROLE_OPTION = {
  type: 'string',
  value: ROLE_NAMES.join('|'),
  help: 'a viewer reads everything; an operator also rotates and revokes keys; an admin does everything',
} as const;

export const PASSWORD_STDIN_OPTION = {
  type: 'boolean',
  help: 'read the password from standard input (one trailing line ending is dropped); it is never an argument',
} as const;

const list: Command = {
  path: ['users', 'list'],
  args: [],
  options: {},
  summary: 'every staff account, its role and status (never a password)',
  prepare: () => async (context) => {
    const response = await wholeList('users', (page) => context.rpc.listUsers(page));
    if (context.json) return printJson(context, ListUsersResponse.toJSON(response));
    context.out.stdout(
      formatTable(
        ['USERNAME', 'ROLE', 'STATUS', 'CREATED', 'CREATED BY', 'DISABLED'],
        response.users.map((user) => [
          user.username,
          roleName(user.role),
          status(user),
          user.createdAt,
          user.createdBy,
          user.disabledAt,
        ]),
      ),
    );
  },
};

const create: Command = {
  path: ['users', 'create'],
  args: ['username'],
  options: { role: ROLE_OPTION, 'password-stdin': PASSWORD_STDIN_OPTION },
  required: ['role', 'password-stdin'],
  summary: 'create a staff account; its password (12 characters or more) comes on standard input',
  prepare: (input) => {
    const username = input.arg('username');
    const role = roleOf(input);
    return async (context) => {
      const response = await context.rpc.createUser({ username, role, password: await readPassword(context.out) });
      if (context.json) return printJson(context, CreateUserResponse.toJSON(response));
      printUser(context, response.user);
    };
  },
};

const setRole: Command = {
  path: ['users', 'set-role'],
  args: ['username'],
  options: { role: ROLE_OPTION },
  required: ['role'],
  summary: 'change what a staff account may do; its sessions end',
  prepare: (input) => {
    const request = { username: input.arg('username'), role: roleOf(input) };
    return async (context) => {
      const response = await context.rpc.setUserRole(request);
      if (context.json) return printJson(context, SetUserRoleResponse.toJSON(response));
      printUser(context, response.user, 'ended: the next login has the new role');
    };
  },
};

const disable: Command = {
  path: ['users', 'disable'],
  args: ['username'],
  options: {},
  summary: 'stop a staff account from logging in; its sessions end at once',
  prepare: (input) => {
    const request = { username: input.arg('username') };
    return async (context) => {
      const response = await context.rpc.disableUser(request);
      if (context.json) return printJson(context, DisableUserResponse.toJSON(response));
      printUser(context, response.user, 'ended: it cannot log in again');
    };
  },
};

function status(user: User): string {
  return user.disabledAt === undefined ? 'active' : 'disabled';
}

/** The user's fields; `sessions` says what became of its sessions, when a change ended them. */
function printUser(context: CommandContext, answered: User | undefined, sessions?: string): void {
  const user = present(answered, 'user');
  const fields: [string, Cell][] = [
    ['username', user.username],
    ['role', roleName(user.role)],
    ['status', status(user)],
    ['created', user.createdAt],
    ['created by', user.createdBy],
  ];
  if (user.disabledAt !== undefined) fields.push(['disabled', user.disabledAt]);
  if (sessions !== undefined) fields.push(['sessions', sessions]);
  context.out.stdout(formatFields(fields));
}

export const userCommands: readonly Command[] = [list, create, setRole, disable];
