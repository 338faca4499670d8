// The command line parsed by commander, from a program built out of the command tables
// (cli/args.ts): global options anywhere, each command's arguments and options checked by
// commander. What is Keyward's own here: every mistake commander finds becomes one UsageError that
// names the option or argument, with the usage line that helps; nothing exits the process; a secret
// is never taken as an argument (`--token` and `--password` are refused with the ways to pass them
// instead); and an option's value starting with "-" must be written `--name=<value>`.

import { Command, CommanderError, Option } from 'commander';
import {
  CommandInput,
  GENERAL_USAGE,
  GLOBAL_OPTIONS,
  quoteArg,
  usageOf,
  type CommandShape,
  type OptionSpec,
  type OptionValue,
} from './args.js';
import { UsageError } from './failure.js';
import { helpText } from './help.js';

export type ParsedCommandLine<C extends CommandShape> =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'run'; readonly command: C; readonly input: CommandInput };

function refusal(secret: string, instead: string): string {
  return `${secret} is never taken on the command line (it would be kept in shell history and shown by ps): ${instead}`;
}

/** Options that would put a secret on the command line, and what to do instead. */
const SECRET_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['token', refusal('the API token', 'set KEYWARD_TOKEN, or KEYWARD_TOKEN_FILE / --token-file to a file holding it')],
  [
    'password',
    refusal(
      'a password',
      'pipe it to --password-stdin, e.g. printf \'%s\' "$PW" | keyward users create alice --role operator --password-stdin',
    ),
  ],
]);

/** A node of the program: the program itself, a group of commands (`keys`), or one command. */
interface Scope<C extends CommandShape> {
  /** The command words up to this node. */
  readonly path: readonly string[];
  /** The commands under it. */
  readonly commands: readonly C[];
  /** Printed after a mistake found at this node. */
  readonly usage: string;
}

export function parseCommandLine<C extends CommandShape>(
  argv: readonly string[],
  commands: readonly C[],
): ParsedCommandLine<C> {
  let parsed: ParsedCommandLine<C> | undefined;
  let helpShown = '';
  const scopes = new Map<Command, Scope<C>>();
  // Settings made here, before any subcommand exists, are inherited by every subcommand. Help text
  // is kept to be returned; errors are not written, they become UsageErrors (see enter()).
  const program = new Command('keyward')
    .configureOutput({ writeOut: (text) => void (helpShown += text), writeErr: () => {}, outputError: () => {} })
    .configureHelp({ formatHelp: (node) => helpText(scopes.get(node)?.commands ?? commands, commands) })
    .helpOption('-h, --help', GLOBAL_OPTIONS.help.help)
    .helpCommand(false)
    .showSuggestionAfterError(false);
  enter(program, { path: [], commands, usage: GENERAL_USAGE });

  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) {
    if (name !== 'help') program.addOption(optionOf(name, spec, GENERAL_USAGE));
  }
  for (const [name, message] of SECRET_OPTIONS) {
    program.addOption(new Option(`--${name} [value]`).hideHelp());
    program.on(`option:${name}`, () => {
      throw new UsageError(message, GENERAL_USAGE);
    });
  }

  for (const command of commands) {
    let node = program;
    for (const [depth, word] of command.path.entries()) {
      const path = command.path.slice(0, depth + 1);
      const child = node.commands.find((existing) => existing.name() === word);
      if (child !== undefined) {
        node = child;
        continue;
      }
      const under = commands.filter((other) => path.every((pathWord, i) => other.path[i] === pathWord));
      node = enter(node.command(word), { path, commands: under, usage: usageOf(under) });
    }
    const leaf = node;
    const scope = scopes.get(leaf);
    if (scope?.commands.length !== 1) {
      throw new Error(`"keyward ${command.path.join(' ')}" is declared twice, or is also a group`);
    }
    const { usage } = scope;
    for (const arg of command.args) leaf.argument(`<${arg}>`);
    for (const [name, spec] of Object.entries(command.options)) leaf.addOption(optionOf(name, spec, usage));
    leaf.action(() => {
      parsed = { kind: 'run', command, input: inputOf(argv, command, leaf, usage) };
    });
  }

  // `keyward help [command words]`, which commander's own help command cannot do for nested words.
  program.command('help [command...]', { hidden: true }).action((topic: readonly string[]) => {
    let node = program;
    for (const word of topic) {
      if (node.commands.length === 0) break;
      const child = node.commands.find((existing) => existing.name() === word && scopes.has(existing));
      if (child === undefined)
        throw new UsageError(`no command ${commandWords(scopes.get(node)?.path ?? [], word)}`, GENERAL_USAGE);
      node = child;
    }
    node.help();
  });

  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    // Help was asked for and written (commander ends it with an exit code 0 "error").
    if (error instanceof CommanderError && error.exitCode === 0) return { kind: 'help', text: helpShown };
    throw error;
  }
  if (parsed === undefined) throw new Error('commander parsed the command line without running a command');
  return parsed;

  function enter(node: Command, scope: Scope<C>): Command {
    scopes.set(node, scope);
    return node.exitOverride((error) => {
      throw error.exitCode === 0 ? error : usageError(error, node, scope);
    });
  }
}

/** The command's arguments and options (the global ones too), checked where commander does not. */
function inputOf(argv: readonly string[], command: CommandShape, leaf: Command, usage: string): CommandInput {
  const options = [leaf, ...ancestors(leaf)].flatMap((owner) =>
    owner.options.map(
      (option) => [option, owner.getOptionValue(option.attributeName()) as OptionValue | undefined] as const,
    ),
  );
  const takingValues = options.flatMap(([option]) =>
    option.required && option.long !== undefined ? [option.long] : [],
  );
  refuseDashValues(argv, new Set(takingValues), usage);
  const values = new Map(
    options.flatMap(([option, value]) => (value === undefined ? [] : [[option.name(), value] as const])),
  );
  // Checked here rather than by commander (makeOptionMandatory), which would report a missing option
  // before an unknown option or a missing argument, the likelier slips.
  for (const name of command.required ?? []) {
    const flags = options.find(([option]) => option.name() === name)?.[0].flags ?? `--${name}`;
    if (!values.has(name)) throw new UsageError(`missing ${flags}`, usage);
  }
  const positionals = new Map(command.args.map((name, i) => [name, String(leaf.processedArgs[i])]));
  return new CommandInput(positionals, values, usage);
}

function optionOf(name: string, spec: OptionSpec, usage: string): Option {
  const option = new Option(spec.type === 'boolean' ? `--${name}` : `--${name} <${spec.value ?? 'value'}>`, spec.help);
  if (spec.type === 'boolean') return option;
  if (spec.multiple === true)
    return option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option.argParser((value: string, previous: string | undefined) => {
    if (previous !== undefined) throw new UsageError(`--${name} is given twice`, usage);
    return value;
  });
}

/** The part of a commander message in quotes: "error: unknown option '--force'" → --force. */
function quoted(message: string): string {
  return message.slice(message.indexOf("'") + 1, message.lastIndexOf("'"));
}

/** `"tokens delete"`, the unknown word quoted like any argument (it may be a pasted token). */
function commandWords(path: readonly string[], word: string): string {
  return `"${[...path, quoteArg(word).replace(/^"|"$/g, '')].join(' ')}"`;
}

/** Commander's finding at `node`, said the Keyward way. */
function usageError<C extends CommandShape>(error: CommanderError, node: Command, scope: Scope<C>): UsageError {
  const where = scope.path.length === 0 ? '' : ` for "keyward ${scope.path.join(' ')}"`;
  const fail = (message: string) => new UsageError(message, scope.usage);
  switch (error.code) {
    case 'commander.unknownOption': {
      const flag = quoted(error.message);
      const [name = flag] = flag.split('=');
      if ([node, ...ancestors(node)].some((owner) => owner.options.some((option) => option.long === name))) {
        return fail(`${name} takes no value`);
      }
      if (flag.startsWith('--')) {
        const early = scope.path.length === 0 && scope.commands.some((command) => name.slice(2) in command.options);
        return fail(`unknown option ${name}${where}${early ? " (a command's own options go after its name)" : ''}`);
      }
      // Key ids are base64url: one in 64 starts with "-" and reads as short options.
      const hint =
        node.registeredArguments.length > 0
          ? ` (an argument starting with "-" goes after "--", e.g. keyward ${scope.path.join(' ')} [options] -- ${quoteArg(flag)})`
          : '';
      return fail(`unknown option ${flag.slice(0, 2)}${where}${hint}`);
    }
    case 'commander.optionMissingArgument': {
      const [flag, value] = quoted(error.message).split(' ');
      return fail(`${flag} needs a value ${value}`);
    }
    case 'commander.missingArgument':
      return fail(`missing <${quoted(error.message)}>`);
    case 'commander.excessArguments':
      return fail(`unexpected argument ${quoteArg(node.args[node.registeredArguments.length] ?? '')}${where}`);
    case 'commander.unknownCommand':
      return fail(`unknown command ${commandWords(scope.path, node.args[0] ?? '')}`);
    case 'commander.help':
      // The program or a group, given no command.
      return fail(
        scope.path.length === 0
          ? 'no command given'
          : `"keyward ${scope.path.join(' ')}" needs a subcommand: ${scope.commands.map((command) => command.path.slice(scope.path.length).join(' ')).join(', ')}`,
      );
    default:
      return fail(error.message.replace(/^error: /, ''));
  }
}

function ancestors(node: Command): Command[] {
  return node.parent === null ? [] : [node.parent, ...ancestors(node.parent)];
}

/**
 * `--reason --immediate` is a slip, not a reason: a value starting with "-" must be written
 * `--reason=<value>`. Walks the line as commander did, up to "--".
 */
function refuseDashValues(argv: readonly string[], valueOptions: ReadonlySet<string>, usage: string): void {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') return;
    if (!valueOptions.has(arg)) continue;
    const value = argv[i + 1];
    if (value !== undefined && value.startsWith('-') && value !== '-') {
      throw new UsageError(`${arg} needs a value (write ${arg}=<value> for one starting with "-")`, usage);
    }
    i += 1;
  }
}
