import { afterEach, describe, expect, it, vi } from 'vitest';
import { helpText, parseCommand, withUsage, type CommandSpec } from '../../../src/cli/args.js';
import { commands, findCommand } from '../../../src/cli/commands.js';
import { UsageError, UserError, userErrorText } from '../../../src/errors.js';
import { VM_EXEC } from '../../../src/commands/vm-exec.js';
import { RD } from '../../../src/commands/rd.js';

const sink = () => {
  const text: string[] = [];
  return { stream: { write: (s: string) => text.push(s) > 0 } as unknown as NodeJS.WritableStream, text: () => text.join('') };
};

/** What a command printed, with its exit status; a UserError it throws as cli.ts reports it. */
async function run(name: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const [out, err]: string[][] = [[], []];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => err.push(String(s)) > 0);
  const { command, rest } = (await findCommand([...name.split(' '), ...argv]))!;
  try {
    const code = await command.main(rest, new AbortController().signal);
    return { code, out: out.join(''), err: err.join('') };
  } catch (e) {
    const error = withUsage(e, command.spec);
    if (!(error instanceof UserError)) throw e;
    return { code: error.exitCode, out: out.join(''), err: userErrorText(error) };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('every command', () => {
  it.each(Object.keys(commands))('%s --help prints its usage and exits 0', async (name) => {
    const { spec } = (await commands[name]!()).command;
    const { code, out } = await run(name, ['--help']);
    expect(code).toBe(0);
    expect(out).toBe(helpText(spec));
    expect(out).toMatch(new RegExp(`^Usage: rubber-workshop ${name}\\b`));
  });

  it.each(Object.keys(commands))('%s -h is --help, even after other arguments', async (name) => {
    expect((await run(name, ['01', '-h'])).out).toMatch(/^Usage: /);
  });

  it.each(Object.keys(commands))('%s --bogus: a short error, its usage, exit 2', async (name) => {
    const { spec } = (await commands[name]!()).command;
    const { code, err } = await run(name, ['--bogus']);
    expect(code).toBe(2);
    expect(err).toBe(`rubber-workshop ${name}: unknown option --bogus\nUsage: ${spec.synopsis}\nSee \`rubber-workshop ${name} --help\`.\n`);
  });
});

describe('check', () => {
  it.each([['--json'], ['--tap'], ['--junit', 'r.xml']])('--watch with %s: a short error, exit 2', async (...opts) => {
    const { code, err } = await run('check', ['--watch', ...opts]);
    expect(code).toBe(2);
    expect(err).toContain('--watch prints results as they come, for you to read: leave out --json, --tap and --junit');
  });
});

describe('subcommands', () => {
  it('dev check --help is the help of dev check, not a level named --help', async () => {
    const { code, out } = await run('dev check', ['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: rubber-workshop dev check [LEVEL…] [--jobs N]');
  });

  it('a group alone with --help lists its subcommands; without one, says which there are', async () => {
    const out = sink();
    expect(await findCommand(['vm', '--help'], out.stream)).toBeUndefined();
    expect(out.text()).toMatch(/^Usage: rubber-workshop vm exec /);
    await expect(findCommand(['vm'])).rejects.toThrow('say which: exec');
    await expect(findCommand(['dev', 'chek'])).rejects.toThrow('no command "dev chek" (dev\'s commands: check');
    await expect(findCommand(['bogus'])).rejects.toThrow('unknown command "bogus"');
    await expect(findCommand(['toString'])).rejects.toThrow('unknown command "toString"');
  });
});

describe('parseCommand', () => {
  const spec: CommandSpec = { name: 'x', synopsis: 'rubber-workshop x [--out DIR] [-q] [N]', about: 'X.\n', options: { out: { type: 'string', short: 'o' }, q: { type: 'boolean' } }, maxPositionals: 1 };
  const parse = (...argv: string[]) => parseCommand(spec, argv, sink().stream);

  it.each([
    [['--out'], 'option --out needs a value'],
    [['-o'], 'option --out needs a value'],
    [['--q=1'], 'option --q takes no value'],
    [['--out', '-5'], 'option --out needs a value (for one that starts with -, write --out=VALUE)'],
    [['1', '2'], 'unexpected argument "2"'],
  ])('%j: %s', (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError);
    expect(() => parse(...argv)).toThrow(expect.objectContaining({ message, usage: { name: 'x', synopsis: spec.synopsis } }));
  });

  it('gives the values and arguments', () => {
    expect(parse('-o', 'd', '7')).toEqual({ values: { out: 'd' }, positionals: ['7'], passed: [] });
  });

  it('vm exec: everything after -- is the command, untouched, --help and -- included', () => {
    const argv = ['--rd', '--timeout', '5', '--', 'rd', 'run', '--help', '-x', '--', 'a b'];
    expect(parseCommand(VM_EXEC, argv, sink().stream)).toEqual({
      values: { rd: true, timeout: '5', timings: false, trace: false },
      positionals: [],
      passed: ['rd', 'run', '--help', '-x', '--', 'a b'],
    });
    expect(() => parseCommand(VM_EXEC, ['--timeout', '5', 'uname', '-a'])).toThrow('put the command after --: rubber-workshop vm exec -- uname -a');
  });

  it("rd: every argument from the first one on is rd's, its own options included", () => {
    const argv = ['--trace', 'run', '-i', 'busybox', '--memory', '10m', '--', 'sh', '-c', 'echo --help'];
    expect(parseCommand(RD, argv, sink().stream)).toEqual({ values: { trace: true }, positionals: [], passed: argv.slice(1) });
  });

  it('a usage error thrown deep in a command gets the usage of the command that ran; other errors pass as they are', () => {
    const deep = withUsage(new UsageError('there is no level 12'), spec);
    expect(userErrorText(deep as UserError)).toBe('rubber-workshop x: there is no level 12\nUsage: rubber-workshop x [--out DIR] [-q] [N]\nSee `rubber-workshop x --help`.\n');
    const other = new UserError('the VM assets are not built yet: run rubber-workshop setup');
    expect(withUsage(other, spec)).toBe(other);
    expect(userErrorText(other)).toBe('rubber-workshop: the VM assets are not built yet: run rubber-workshop setup\n');
  });
});
