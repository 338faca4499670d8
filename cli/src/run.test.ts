import { describe, expect, it } from 'vitest';
import { runCli } from './run.js';

/** Runs the command with this standard input; nothing in these tests reaches a server. */
async function run(argv: string[], env: Record<string, string>, stdin: string | undefined) {
  let stdout = '';
  let stderr = '';
  let stdinRead = false;
  const code = await runCli(
    argv,
    { KEYWARD_SERVER: '127.0.0.1:1', ...env },
    {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      readStdin: () => {
        stdinRead = true;
        return Promise.resolve(stdin ?? '');
      },
    },
  );
  return { code, stdout, stderr, stdinRead };
}

describe('runCli', () => {
  it('runs login without any token, whatever the token variables say', async () => {
    const envs: Record<string, string>[] = [{}, { KEYWARD_TOKEN: 'kw_x', KEYWARD_TOKEN_FILE: '/nonexistent' }];
    for (const env of envs) {
      const result = await run(['login', 'alice', '--password-stdin'], env, '\n');
      expect(result).toMatchObject({ code: 1, stdout: '', stdinRead: true });
      expect(result.stderr).toMatch(/^keyward: --password-stdin: standard input is empty; [^\n]+\n$/);
    }
  });

  it('wants the token before it reads a password for any other command', async () => {
    const result = await run(
      ['users', 'create', 'alice', '--role', 'admin', '--password-stdin'],
      {},
      'correct horse battery',
    );
    expect(result).toMatchObject({ code: 1, stdout: '', stdinRead: false });
    expect(result.stderr).toMatch(/^keyward: no API token: set KEYWARD_TOKEN/);
  });

  it('prints help on standard output with status 0, and a usage mistake as two lines on standard error with status 2', async () => {
    const help = await run(['rotate', '--help'], {}, undefined);
    expect(help).toMatchObject({ code: 0, stderr: '', stdinRead: false });
    expect(help.stdout).toMatch(/^usage: keyward rotate <key-set> --reason <text> \[--immediate\]\n/);

    const mistake = await run(['rotate', 'payments', '--reason', 'x', '--force'], {}, undefined);
    expect(mistake).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'keyward: unknown option --force for "keyward rotate"\n' +
        'usage: keyward rotate <key-set> --reason <text> [--immediate]\n',
      stdinRead: false,
    });
  });
});
