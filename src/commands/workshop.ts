import { findWorkspace, WorkspaceError } from '../workspace.js';
import type { Command } from '../cli/args.js';

/** `rubber-workshop` with no arguments: the interactive workshop for the workspace around here. */
export async function workshop(signal: AbortSignal): Promise<number> {
  // Ink draws only a final frame when it thinks it runs in CI; here a person sits at a terminal.
  delete process.env.CI;
  const { runTui, tuiUnavailableMessage } = await import('../tui/index.js');
  // No workspace first: without one, the terminal's advice (run check) would only lead to the same error.
  const dir = findWorkspace();
  if (!dir) throw new WorkspaceError('no workspace here. Make one with: rubber-workshop init ~/rd-workspace && cd ~/rd-workspace && rubber-workshop');
  const noTerminal = tuiUnavailableMessage();
  if (noTerminal) {
    process.stderr.write(noTerminal + '\n');
    return 2;
  }
  await runTui({ workspaceDir: dir, signal });
  return 0;
}

/** The workshop takes no arguments: `rubber-workshop --help` is the help of the whole tool. */
export const command: Command = {
  spec: { name: '', synopsis: 'rubber-workshop', about: '', options: {} },
  main: (_argv, signal) => workshop(signal),
};
