import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type Usage } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];

/** One command or subcommand, as `--help` shows it and as its arguments are parsed. */
export interface CommandSpec<O extends Options = Options> extends Usage {
  /** The help text after the usage line(s): what the command does, and its options. */
  about: string;
  options: O;
  /** How many arguments it takes besides its options (default none). */
  maxPositionals?: number;
  /**
   * Arguments passed on untouched, never read as options: everything after `--` (`vm exec -- CMD…`), or
   * everything from the first argument on (`rd run -i IMAGE -- CMD`: all of it is rd's).
   */
  passThrough?: 'after --' | 'from the first argument';
}

export interface Parsed<O extends Options> {
  values: Values<O>;
  positionals: string[];
  /** The arguments passed through (see {@link CommandSpec.passThrough}); empty when none. */
  passed: string[];
}

const HELP = ['--help', '-h'];

/** The text `COMMAND --help` prints. */
export function helpText(spec: CommandSpec): string {
  return `Usage: ${spec.synopsis}\n\n${spec.about.trimEnd()}\n`;
}

/** A usage error of this command: shown with its usage. */
export function usageError(spec: Usage, message: string): UsageError {
  return new UsageError(message, { name: spec.name, synopsis: spec.synopsis });
}

/**
 * Parses a command's arguments (node:util parseArgs, strict). `--help` or `-h` anywhere before the
 * passed-through arguments prints the command's help to `out` and gives undefined: the command then
 * exits 0. Anything else wrong gives a {@link UsageError} naming the command, with its usage.
 */
export function parseCommand<O extends Options>(spec: CommandSpec<O>, argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Parsed<O> | undefined {
  const dashes = argv.indexOf('--');
  const own = dashes === -1 ? [...argv] : argv.slice(0, dashes);
  if (own.some((a) => HELP.includes(a))) {
    out.write(helpText(spec));
    return undefined;
  }
  if (spec.passThrough === 'after --' && dashes === -1) {
    const first = firstArgument(spec, argv);
    if (first !== -1) throw usageError(spec, `put the command after --: ${spec.synopsis.split(' [')[0]} -- ${argv.slice(first).join(' ')}`);
  }
  const split = spec.passThrough === 'from the first argument' ? firstArgument(spec, argv) : spec.passThrough === 'after --' ? dashes : -1;
  const parsing = split === -1 ? [...argv] : argv.slice(0, split);
  const passed = split === -1 ? [] : argv.slice(split + (spec.passThrough === 'after --' ? 1 : 0));
  let parsed;
  try {
    parsed = parseArgs({ args: parsing, options: spec.options, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError(spec, describeParseError(err as Error & { code?: string }));
  }
  const extra = parsed.positionals[spec.maxPositionals ?? 0];
  if (extra !== undefined) throw usageError(spec, `unexpected argument "${extra}"`);
  return { values: parsed.values as Values<O>, positionals: parsed.positionals, passed };
}

/** Where the first argument that is not one of the command's own options is, or -1. */
function firstArgument(spec: CommandSpec, argv: readonly string[]): number {
  const { tokens } = parseArgs({ args: [...argv], options: spec.options, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind !== 'option');
  return first ? first.index : -1;
}

/** parseArgs's messages are long and suggest quoting; a user needs the option and what is wrong with it. */
function describeParseError(err: Error & { code?: string }): string {
  const option = /'(?:-\w, )?([^' ]+)/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument missing/.test(err.message)) return `option ${option} needs a value`;
      // (The value given starts with '-', so parseArgs took it for an option.)
      if (/ambiguous/.test(err.message)) return `option ${option} needs a value (for one that starts with -, write ${option}=VALUE)`;
      return `option ${option} takes no value`;
    default:
      return err.message.split('.')[0] ?? 'bad arguments';
  }
}

/** A usage error thrown without its command (deep in a parser) gets the usage of the command that ran. */
export function withUsage<E>(err: E, spec: Usage): E | UsageError {
  return err instanceof UsageError && !err.usage ? usageError(spec, err.message) : err;
}

/** A command as cli.ts runs it: its spec (for --help and usage errors), and what it does with its arguments. */
export interface Command {
  spec: CommandSpec;
  /** The exit status; `argv` is what follows the command's name. */
  main: (argv: string[], signal: AbortSignal) => Promise<number>;
}

/** An option's value as a whole number of at least `min`, or a UsageError saying so. */
export function wholeNumber(option: string, text: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`${option} takes a whole number of at least ${min}, not "${text}"`);
  return Number(text);
}
