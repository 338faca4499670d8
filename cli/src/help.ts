// `keyward help`, `keyward help <command>`, `--help`: usage on standard output.

import { GLOBAL_OPTIONS, synopsis, usageOf, type CommandShape, type OptionSpecs } from './args.js';
import { DURATION_HINT } from './durations.js';

const INTRO = 'keyward: the admin command line of Keyward, a key-management service for JWT issuers (gRPC KeyService).';

const NOTES = [
  'The API token comes from KEYWARD_TOKEN, or from a file: --token-file or KEYWARD_TOKEN_FILE.',
  'It is never taken as an argument (shell history, ps) and never printed.',
  'A person gets one from `keyward login <username> --password-stdin` (a session token; `keyward logout` ends it).',
  'Passwords come on standard input (--password-stdin), never as arguments.',
  'An argument starting with "-" (a kid may) goes after "--": keyward revoke --reason <text> -- <kid>.',
  `Durations: ${DURATION_HINT}.`,
  'Errors: one line on standard error; exit status 1, or 2 for a usage error.',
];

export function helpText(commands: readonly CommandShape[], all: readonly CommandShape[]): string {
  const lines: string[] = [];
  const only = commands.length === 1 ? commands[0] : undefined;
  if (only !== undefined) {
    lines.push(usageOf([only]), '', only.summary, '');
    if (Object.keys(only.options).length > 0) lines.push('options:', ...optionLines(only.options), '');
  } else {
    if (commands.length === all.length) lines.push(INTRO, '', 'usage: keyward <command> [arguments] [options]', '');
    lines.push('commands:');
    for (const command of commands) lines.push(`  ${synopsis(command)}`, `      ${command.summary}`);
    lines.push('');
  }
  lines.push('options of every command:', ...optionLines(GLOBAL_OPTIONS), '', ...NOTES);
  if (only === undefined) lines.push('`keyward help <command>` describes one command and its options.');
  return `${lines.join('\n')}\n`;
}

function optionLines(options: OptionSpecs): string[] {
  const entries = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}`;
    return [spec.type === 'boolean' ? flag : `${flag} <${spec.value ?? 'value'}>`, spec.help] as const;
  });
  const width = Math.max(...entries.map(([flag]) => flag.length));
  return entries.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`);
}
