import type { Command } from './args.js';
import { UsageError } from '../errors.js';

type Module = { command: Command };

/** Every command, by the words that name it; each module is loaded only when its command runs. */
export const commands: Record<string, () => Promise<Module>> = {
  setup: () => import('../commands/setup.js'),
  init: () => import('../commands/init.js'),
  check: () => import('../commands/check.js'),
  grade: () => import('../commands/grade.js'),
  'dev check': () => import('../commands/dev-check.js'),
  'dev lessons': () => import('../commands/dev-lessons.js'),
  'dev traces': () => import('../commands/dev-traces.js'),
  doctor: () => import('../commands/doctor.js'),
  deploy: () => import('../commands/deploy.js'),
  rd: () => import('../commands/rd.js'),
  shell: () => import('../commands/shell.js'),
  'image add': async () => ({ command: (await import('../commands/image.js')).add }),
  'image ls': async () => ({ command: (await import('../commands/image.js')).ls }),
  'image rm': async () => ({ command: (await import('../commands/image.js')).rm }),
  'vm exec': () => import('../commands/vm-exec.js'),
};

/**
 * The command `argv` names and the arguments after its name; undefined when the help of a group of
 * subcommands (`vm --help`) was asked for, and printed.
 */
export async function findCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<{ command: Command; rest: string[] } | undefined> {
  const [first = '', second] = argv;
  const key = Object.hasOwn(commands, first) ? first : `${first} ${second}`;
  if (Object.hasOwn(commands, key)) return { command: (await commands[key]!()).command, rest: argv.slice(key.split(' ').length) };
  const group = Object.keys(commands).filter((name) => name.startsWith(`${first} `));
  if (!group.length) throw new UsageError(`unknown command "${first}" (see rubber-workshop --help)`);
  const usage = { name: first, synopsis: (await Promise.all(group.map(async (name) => (await commands[name]!()).command.spec.synopsis))).join('\n       ') };
  if (second === '--help' || second === '-h') {
    out.write(`Usage: ${usage.synopsis}\n\nSee rubber-workshop ${group[0]} --help.\n`);
    return undefined;
  }
  const which = group.map((name) => name.split(' ')[1]).join(', ');
  throw new UsageError(second === undefined ? `say which: ${which}` : `no command "${first} ${second}" (${first}'s commands: ${which})`, usage);
}

