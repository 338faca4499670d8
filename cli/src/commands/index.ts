// Every command, in the order `keyward help` lists them.

import type { Command } from './command.js';
import { eventCommands } from './events.js';
import { failureCommands } from './failures.js';
import { jwksCommands } from './jwks.js';
import { keySetCommands } from './key-sets.js';
import { keyCommands } from './keys.js';
import { policyCommands } from './policy.js';
import { readinessCommands } from './readiness.js';
import { rewrapCommands } from './rewrap.js';
import { rotationCommands } from './rotation.js';
import { sessionCommands } from './sessions.js';
import { signCommands } from './sign.js';
import { signatureCommands } from './signatures.js';
import { tokenCommands } from './tokens.js';
import { userCommands } from './users.js';
import { whoamiCommands } from './whoami.js';

export const COMMANDS: readonly Command[] = [
  ...keySetCommands,
  ...keyCommands,
  ...rotationCommands,
  ...policyCommands,
  ...jwksCommands,
  ...eventCommands,
  ...readinessCommands,
  ...failureCommands,
  ...signatureCommands,
  ...signCommands,
  ...tokenCommands,
  ...userCommands,
  ...sessionCommands,
  ...whoamiCommands,
  ...rewrapCommands,
];
