import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENERAL_USAGE, type CommandShape } from './args.js';
import { COMMANDS } from './commands/index.js';
import { UsageError } from './failure.js';
import { parseCommandLine } from './parse.js';

function run(argv: string[]) {
  const parsed = parseCommandLine(argv, COMMANDS);
  if (parsed.kind !== 'run') throw new Error(`expected a command, got help: ${parsed.text}`);
  return parsed;
}

function help(argv: string[]): string {
  const parsed = parseCommandLine(argv, COMMANDS);
  if (parsed.kind !== 'help') throw new Error(`expected help, got ${parsed.command.path.join(' ')}`);
  return parsed.text;
}

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv, COMMANDS);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('finds the command by its words and reads its arguments and options, global ones anywhere', () => {
    const { command, input } = run(['--json', 'keys', 'list', 'payments', '--server', 'kw.internal:50051']);
    expect(command.path).toEqual(['keys', 'list']);
    expect(input.arg('key-set')).toBe('payments');
    expect(input.flag('json')).toBe(true);
    expect(input.flag('immediate')).toBe(false);
    expect(input.string('server')).toBe('kw.internal:50051');
    expect(input.string('timeout')).toBeUndefined();
    expect(input.usage).toBe('usage: keyward keys list <key-set>');
  });

  it('takes repeated options that may repeat, and --name=value forms', () => {
    const { input } = run(['tokens', 'create', 'issuer', '--grant', 'a:sign', '--grant=b:read,admin', '--ttl=30d']);
    expect(input.strings('grant')).toEqual(['a:sign', 'b:read,admin']);
    expect(input.string('ttl')).toBe('30d');
    expect(input.strings('ttl')).toEqual([]);
    expect(run(['rotate', 'p', '--reason=-- leading dashes']).input.string('reason')).toBe('-- leading dashes');
    expect(run(['events', '--kid=-Abc', '--limit', '-']).input.string('kid')).toBe('-Abc');
  });

  it('refuses an option value that looks like another option, unless written with =', () => {
    expect(usageError(['rotate', 'p', '--reason', '--immediate']).message).toBe(
      '--reason needs a value (write --reason=<value> for one starting with "-")',
    );
    expect(usageError(['events', '--server', '-x'])).toMatchObject({
      message: '--server needs a value (write --server=<value> for one starting with "-")',
      usage: 'usage: keyward events [--key-set <name>] [--kid <kid>] [--actor <actor>] [--type <type>] [--limit <n>]',
    });
    // After "--" nothing is an option, nor an option's value.
    expect(run(['revoke', '--reason', 'x', '--', '-Abc']).input.arg('kid')).toBe('-Abc');
  });

  it('refuses unknown options, values for flags, missing values and repeats, each with the usage line', () => {
    const unknown = usageError(['rotate', 'p', '--reason', 'x', '--force']);
    expect(unknown.message).toBe('unknown option --force for "keyward rotate"');
    expect(unknown.usage).toBe('usage: keyward rotate <key-set> --reason <text> [--immediate]');
    expect(usageError(['keys', 'list', 'p', '--reason', 'x']).message).toBe(
      'unknown option --reason for "keyward keys list"',
    );
    // Found before the missing --reason: the likelier slip.
    expect(usageError(['rotate', 'p', '--resaon', 'x']).message).toBe('unknown option --resaon for "keyward rotate"');
    // A kid may start with "-": the message says how to pass one, and `--` does.
    expect(usageError(['revoke', '-Abc_12', '--reason', 'x']).message).toBe(
      'unknown option -A for "keyward revoke" (an argument starting with "-" goes after "--", e.g. keyward revoke [options] -- "-Abc_12")',
    );
    expect(usageError(['rotate', 'p', '--reason', 'x', '--immediate=yes']).message).toBe('--immediate takes no value');
    expect(usageError(['whoami', '--json=yes']).message).toBe('--json takes no value');
    expect(usageError(['rotate', 'p', '--reason']).message).toBe('--reason needs a value <text>');
    expect(usageError(['rotate', 'p', '--reason', 'a', '--reason', 'b']).message).toBe('--reason is given twice');
    expect(usageError(['--reason', 'x', 'rotate', 'p'])).toEqual(
      new UsageError("unknown option --reason (a command's own options go after its name)", GENERAL_USAGE),
    );
  });

  it('reports a missing argument or required option, and an extra argument', () => {
    expect(usageError(['keys', 'timeline']).message).toBe('missing <key-set>');
    expect(usageError(['key-sets', 'create']).message).toBe('missing <name>');
    expect(usageError(['key-sets', 'create', 'p']).message).toBe('missing --algorithm <alg>');
    expect(usageError(['whoami', 'extra']).message).toBe('unexpected argument "extra" for "keyward whoami"');
  });

  it('reports unknown commands and incomplete groups with the usage that helps', () => {
    expect(usageError([])).toMatchObject({ message: 'no command given', usage: GENERAL_USAGE });
    expect(usageError(['frobnicate'])).toMatchObject({ message: 'unknown command "frobnicate"', usage: GENERAL_USAGE });
    const group = usageError(['tokens']);
    expect(group.message).toBe('"keyward tokens" needs a subcommand: list, create, revoke');
    expect(group.usage?.split('\n')).toEqual([
      'usage: keyward tokens list',
      '       keyward tokens create <name> --grant <key-set:scope,...>... [--ttl <duration>]',
      '       keyward tokens revoke <id> --reason <text>',
    ]);
    expect(usageError(['tokens', 'delete']).message).toBe('unknown command "tokens delete"');
    expect(usageError(['users', 'delete']).message).toBe('unknown command "users delete"');
    expect(usageError(['sessions', 'list']).message).toBe('unknown command "sessions"');
    expect(usageError(['tokens', 'x"y']).message).toBe('unknown command "tokens x\\"y"');
    expect(usageError(['tokens', 'kw_abc']).message).toBe(
      'unknown command "tokens (a value that looks like an API token)"',
    );
  });

  it('refuses a token on the command line, without repeating it', () => {
    for (const argv of [
      ['whoami', '--token', 'kw_secret_value'],
      ['--token=kw_secret_value', 'whoami'],
      ['whoami', '--token'],
      ['rotate', 'p', '--reason', 'x', '--bogus', '--token', 'kw_secret_value'],
    ]) {
      const error = usageError(argv);
      expect(error.message).toMatch(/^the API token is never taken on the command line/);
      expect(error.message).not.toContain('kw_secret_value');
      expect(error.usage).toBe(GENERAL_USAGE);
    }
    expect(usageError(['kw_secret_value']).message).not.toContain('kw_secret_value');
    expect(usageError(['whoami', 'kw_secret_value']).message).not.toContain('kw_secret_value');
    expect(usageError(['tokens', 'kw_secret_value']).message).not.toContain('kw_secret_value');
    expect(usageError(['help', 'kw_secret_value']).message).not.toContain('kw_secret_value');
  });

  it('refuses a password on the command line, without repeating it, and says to pipe it in', () => {
    for (const argv of [
      ['users', 'create', 'alice', '--role', 'admin', '--password', 'correct horse battery'],
      ['login', 'alice', '--password=correct horse battery'],
      ['--password', 'correct horse battery'],
    ]) {
      const error = usageError(argv);
      expect(error.message).toMatch(
        /^a password is never taken on the command line \(it would be kept in shell history and shown by ps\): /,
      );
      expect(error.message).toContain('| keyward users create alice --role operator --password-stdin');
      expect(error.message).not.toContain('correct horse battery');
      expect(error.usage).toBe(GENERAL_USAGE);
    }
  });

  it('wants --password-stdin for the commands that take a password', () => {
    expect(usageError(['users', 'create', 'alice', '--role', 'admin']).message).toBe('missing --password-stdin');
    expect(usageError(['login', 'alice']).message).toBe('missing --password-stdin');
    expect(usageError(['login', 'alice', '--password-stdin=yes']).message).toBe('--password-stdin takes no value');
    expect(run(['login', 'alice', '--password-stdin']).input.flag('password-stdin')).toBe(true);
  });

  it('answers help for everything, a group or one command, and never exits', () => {
    const all = help(['help']);
    expect(all).toMatch(/^keyward: the admin command line of Keyward/);
    expect(help(['--help'])).toBe(all);
    for (const command of COMMANDS) expect(all).toContain(`  keyward ${command.path.join(' ')}`);

    const group = help(['help', 'keys']);
    expect(group).toMatch(/^commands:\n {2}keyward keys list <key-set>\n.*\n {2}keyward keys timeline <key-set>\n/);
    expect(group).not.toContain('keyward rotate');
    expect(help(['keys', '-h'])).toBe(group);

    const one = help(['rotate', 'p', '-h']);
    expect(one).toMatch(/^usage: keyward rotate <key-set> --reason <text> \[--immediate\]\n\npublish a successor/);
    expect(one).toContain('\noptions:\n  --reason <text>  why: recorded in the audit trail\n');
    expect(one).toContain('\noptions of every command:\n');
    expect(help(['help', 'rotate'])).toBe(one);
    expect(help(['help', 'rotate', 'p'])).toBe(one);
    expect(help(['help', 'keys', 'list'])).toMatch(/^usage: keyward keys list <key-set>\n/);

    expect(usageError(['help', 'nothing'])).toEqual(new UsageError('no command "nothing"', GENERAL_USAGE));
    expect(usageError(['help', 'keys', 'nothing']).message).toBe('no command "keys nothing"');
  });

  it('property: any command line parses, is help, or is a usage error with a usage line', () => {
    const words = [...new Set(COMMANDS.flatMap((command) => command.path)), 'help', 'payments'];
    const names = new Set(['server', 'json', 'token-file', ...COMMANDS.flatMap((c) => Object.keys(c.options))]);
    const options = [...names].flatMap((name) => [`--${name}`, `--${name}=x`]);
    const argument = fc.oneof(
      fc.constantFrom(...words, ...options, '-h', '-x', '--', '-', '-1', '--token', '--password', '--=', '---', "'"),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 8 }), (argv) => {
        try {
          const parsed = parseCommandLine(argv, COMMANDS);
          if (parsed.kind === 'run') parsed.command.prepare(parsed.input);
          else expect(parsed.text).toMatch(/^(keyward: |commands:|usage: keyward )/);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          // Value parsers leave the usage to the dispatcher; everything else brings it.
          if ((error as UsageError).usage !== undefined)
            expect((error as UsageError).usage).toMatch(/^usage: keyward /);
          expect((error as UsageError).message).not.toMatch(/^error: |commander/);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('the program built from the command tables', () => {
  it('has one command per path: a path twice, or a command that is also a group, is a mistake in the tables', () => {
    const shape = (path: string[]): CommandShape => ({ path, args: [], options: {}, summary: '' });
    expect(() => parseCommandLine(['whoami'], [...COMMANDS, shape(['whoami'])])).toThrow(
      '"keyward whoami" is declared twice, or is also a group',
    );
    expect(() => parseCommandLine(['whoami'], [...COMMANDS, shape(['rotate', 'now'])])).toThrow(
      '"keyward rotate" is declared twice, or is also a group',
    );
  });
});
