import fs from 'node:fs';
import path from 'node:path';

/** The full path of a command as the shell would find it, or null. */
export function which(cmd: string, env = process.env): string | null {
  if (cmd.includes('/')) return fs.existsSync(cmd) ? cmd : null;
  const dir = (env.PATH ?? '').split(':').find((d) => d && fs.existsSync(path.join(d, cmd)));
  return dir ? path.join(dir, cmd) : null;
}
