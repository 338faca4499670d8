// keyward login <username> --password-stdin | logout
// A person's session: login needs no token and prints the session token alone on standard output,
// for `export KEYWARD_TOKEN=$(keyward login alice --password-stdin < pwfile)`; logout ends it.

import { LoginResponse, LogoutResponse } from '@keyward/proto/keyward/v1';
import { readPassword } from '../stdin.js';
import { cellText } from '../table.js';
import { printJson, roleName, type Command } from './command.js';
import { PASSWORD_STDIN_OPTION } from './users.js';

const login: Command = {
  path: ['login'],
  args: ['username'],
  options: { 'password-stdin': PASSWORD_STDIN_OPTION },
  required: ['password-stdin'],
  anonymous: true,
  summary: 'log a staff account in (no token needed); prints a session token to use as KEYWARD_TOKEN',
  prepare: (input) => {
    const username = input.arg('username');
    return async (context) => {
      const response = await context.rpc.login({ username, password: await readPassword(context.out) });
      context.out.stderr(
        `logged in as ${username} (${roleName(response.role)}) until ${cellText(response.expiresAt)}\n`,
      );
      if (context.json) printJson(context, LoginResponse.toJSON(response));
      else context.out.stdout(`${response.sessionToken}\n`);
      // Printed this once; redacted should anything else ever carry it.
      context.out.protect(response.sessionToken);
    };
  },
};

const logout: Command = {
  path: ['logout'],
  args: [],
  options: {},
  summary: 'end the session whose token is given (KEYWARD_TOKEN); it is refused from then on',
  prepare: () => async (context) => {
    const response = await context.rpc.logout({});
    if (context.json) return printJson(context, LogoutResponse.toJSON(response));
    context.out.stdout('logged out: this session token no longer works\n');
  },
};

export const sessionCommands: readonly Command[] = [login, logout];
