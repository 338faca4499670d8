// The whole command, as a function of its arguments, environment and input/output: parse (usage
// errors first, before anything is read or connected), resolve the connection and the token, run
// the command, and turn any failure into one line on standard error and an exit status.

import { COMMANDS } from './commands/index.js';
import { connect, readToken, resolveSettings, tokenSource, type Connection } from './connection.js';
import { EXIT_OK, report, UsageError, type CallContext } from './failure.js';
import { Terminal, type Io } from './output.js';
import { parseCommandLine } from './parse.js';

type Env = Readonly<Record<string, string | undefined>>;

export async function runCli(argv: readonly string[], env: Env, io: Io): Promise<number> {
  const terminal = new Terminal(io);
  let call: CallContext | undefined;
  let connection: Connection | undefined;
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    if (parsed.kind === 'help') {
      terminal.stdout(parsed.text);
      return EXIT_OK;
    }
    const { command, input } = parsed;
    try {
      const action = command.prepare(input);
      const settings = resolveSettings(
        {
          server: input.string('server'),
          ca: input.string('ca'),
          cert: input.string('cert'),
          key: input.string('key'),
          timeout: input.string('timeout'),
        },
        env,
      );
      call = { address: settings.address, timeoutSeconds: settings.timeoutSeconds };
      // Login is how a person gets a token: it reads none and sends none.
      const token =
        command.anonymous === true ? undefined : readToken(tokenSource(input.string('token-file'), env), env);
      if (token !== undefined) terminal.protect(token);
      connection = connect(settings, token);
      await action({ rpc: connection.rpc, json: input.flag('json'), out: terminal, interactive: terminal.interactive });
      return EXIT_OK;
    } catch (error) {
      // A value parser (durations, grants) does not know the command: add its usage line.
      if (error instanceof UsageError && error.usage === undefined) throw new UsageError(error.message, input.usage);
      throw error;
    }
  } catch (error) {
    const failure = report(error, call);
    terminal.stderr(`keyward: ${failure.message}\n`);
    if (failure.usage !== undefined) terminal.stderr(`${failure.usage}\n`);
    return failure.exitCode;
  } finally {
    connection?.close();
  }
}
