#!/usr/bin/env node
// The `keyward` command: the admin command line of Keyward. `keyward help` lists the commands.

import { runCli } from './run.js';
import { readInput } from './stdin.js';

// Errors are one line on standard error. Node's deprecation notices concern the libraries, not the
// user: grpc-js, for one, sets the TLS server name to an IP address target (DEP0123).
process.noDeprecation = true;

// `keyward events | head`: a closed pipe ends the command quietly, as it does for other tools.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readStdin: () => readInput(process.stdin),
  interactive: process.stdout.isTTY === true,
});
