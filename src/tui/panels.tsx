import { Box, Text } from 'ink';
import { Key } from './check-panel.js';
import { hunks, lineDiff } from './diff.js';
import { Markdown, Prose } from './markdown.js';
import { useTheme } from './theme.js';

/** The hints revealed so far, each under its number. */
export function HintsPanel({ hints, revealed }: { hints: string[]; revealed: number }) {
  if (hints.length === 0) return <Prose>This level has no hints.</Prose>;
  return (
    <Box flexDirection="column" rowGap={1}>
      {hints.slice(0, revealed).map((hint, i) => (
        <Box key={i} flexDirection="column">
          <Text bold>
            Hint {i + 1} of {hints.length}
          </Text>
          <Markdown source={hint} />
        </Box>
      ))}
      {revealed < hints.length ? (
        <Prose dimColor>
          Press <Key k="h" /> again for hint {revealed + 1}; each is more direct than the last.
        </Prose>
      ) : (
        <Prose dimColor>That is every hint. The reference solution opens once the level passes.</Prose>
      )}
    </Box>
  );
}

/** The reference solution as changes to the learner's rd.ts. */
export function SolutionPanel({ mine, solution }: { mine: string; solution: string }) {
  const theme = useTheme();
  const groups = hunks(lineDiff(mine, solution));
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={theme.fail}>- your rd.ts</Text>
        {'   '}
        <Text color={theme.pass}>+ the reference solution</Text>
      </Text>
      {groups.length === 0 && <Prose>Your rd.ts is the reference solution, line for line.</Prose>}
      {groups.map((hunk, h) => (
        <Box key={h} flexDirection="column" marginTop={1}>
          <Text dimColor>@@ your line {hunk.lines.find((l) => l.op !== 'add')?.line ?? hunk.lines[0]!.line} @@</Text>
          {hunk.lines.map((l, i) =>
            l.op === 'same' ? (
              <Text key={i} dimColor>
                {'  '}
                {l.text}
              </Text>
            ) : (
              <Text key={i} color={l.op === 'del' ? theme.fail : theme.pass}>
                {l.op === 'del' ? '- ' : '+ '}
                {l.text}
              </Text>
            ),
          )}
        </Box>
      ))}
    </Box>
  );
}

export const KEYS: [string, string][] = [
  ['c', 'check this level (x stops a running check)'],
  ['w', 'watch on/off: re-check whenever rd.ts or linux.ts is saved'],
  ['h', 'show hints; each press reveals one more'],
  ['s', "after a pass: the reference solution, as a diff against your rd.ts"],
  ['t', 'after a failed check: show or hide what rd did, its calls through linux.ts'],
  ['r', "reset: replace rd.ts with this level's stub (your file is backed up)"],
  ['e', 'open rd.ts in your editor ($VISUAL, $EDITOR, else VS Code)'],
  ['v', 'a root shell in a throwaway VM with your rd.ts as rd: try rd run -i busybox /bin/sh (exit or Ctrl-] comes back)'],
  ['n / p', 'next / previous level'],
  ['l', 'list of levels'],
  ['tab', 'switch between the lesson and the last check'],
  ['esc', 'back to the lesson; from the lesson, to the list'],
  ['↑ ↓ pgup pgdn space g G', 'scroll'],
  ['?', 'this help'],
  ['q', 'quit (progress is saved after every check)'],
];

export function HelpPanel({ workspaceDir }: { workspaceDir: string }) {
  const width = Math.max(...KEYS.map(([k]) => k.length)) + 2;
  return (
    <Box flexDirection="column" rowGap={1}>
      <Box flexDirection="column">
        {KEYS.map(([k, what]) => (
          <Box key={k}>
            <Box width={width} flexShrink={0}>
              <Key k={k} />
            </Box>
            <Prose>{what}</Prose>
          </Box>
        ))}
      </Box>
      <Prose>
        Your workspace is {workspaceDir}. Edit rd.ts there; linux.ts is the toolkit it imports (do not edit it). Backups
        made by reset are in .rubber-workshop/backups/.
      </Prose>
      <Prose>
        Watch mode notices saves through the file system; if it misses them (network folders, some containers), press{' '}
        <Key k="c" /> to check by hand.
      </Prose>
    </Box>
  );
}
