#!/usr/bin/env node
// README.md's own set-up line, test command and image test, as CI runs them: taken from the ```sh blocks of README's
// "## Set up" section, so what README tells a newcomer is exactly what CI proves. Prints one command a line,
// adapted only for running as root without a terminal.
import fs from 'node:fs';

const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = /^## Set up\b.*\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1].trim());
if (blocks.length !== 3 || blocks.some((b) => b.includes('\n'))) {
  process.stderr.write('README.md\'s "## Set up" section must have three ```sh blocks of one line each: the set-up line, the test command, the image test\n');
  process.exit(2);
}
const commands = [
  ...blocks.map((line) => line
    .replace(/\bsudo /g, '') // CI is root already
    .replace(/ && rubber-workshop$/, '')), // the last step opens the workshop, which needs a terminal
];
process.stdout.write(commands.join('\n') + '\n');
