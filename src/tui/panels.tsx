import { Box, Text } from 'ink';
import { comparableCalls, type ReferenceTrace } from '../report/reference-trace.js';
import { Key } from './check-panel.js';
import { hunks, lineDiff, type DiffLine } from './diff.js';
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

/** The trace a pass carries: which check it comes from, and its lines. */
export interface PassTrace {
  check: string;
  trace: string;
}

interface SolutionPanelProps {
  mine: string;
  solution: string;
  /** The reference solution's trace of the level's first check that runs rd, if the level has one. */
  reference?: ReferenceTrace;
  /** The learner's trace of a check of this level that passed in this session. */
  myTrace?: PassTrace;
}

/** The reference solution as changes to the learner's rd.ts, then what each rd did in the same check. */
export function SolutionPanel({ mine, solution, reference, myTrace }: SolutionPanelProps) {
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
          {hunk.lines.map((l, i) => (
            <DiffText key={i} line={l} />
          ))}
        </Box>
      ))}
      {reference && <TraceComparison reference={reference} mine={myTrace?.check === reference.check ? myTrace : undefined} />}
    </Box>
  );
}

/** One line of a diff: kept lines dim, the learner's red after -, the reference's green after +. */
function DiffText({ line }: { line: DiffLine }) {
  const theme = useTheme();
  if (line.op === 'same') {
    return (
      <Text dimColor>
        {'  '}
        {line.text}
      </Text>
    );
  }
  return (
    <Text color={line.op === 'del' ? theme.fail : theme.pass}>
      {line.op === 'del' ? '- ' : '+ '}
      {line.text}
    </Text>
  );
}

/**
 * What rd did in the level's first check that runs it: the learner's calls against the reference solution's
 * as a diff, or the reference's alone when this session has no pass of that check to compare.
 */
function TraceComparison({ reference, mine }: { reference: ReferenceTrace; mine?: PassTrace }) {
  const theirs = comparableCalls(reference.trace);
  const diff = mine ? lineDiff(comparableCalls(mine.trace).join('\n'), theirs.join('\n')) : theirs.map((text, i): DiffLine => ({ op: 'same', text, line: i + 1 }));
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>
        What rd did in check {reference.check}: {mine ? "yours (-) against the reference solution's (+)" : "the reference solution's calls"}, PIDs and container
        ids left out
      </Text>
      {mine && diff.every((l) => l.op === 'same') && <Prose>Your rd made the same calls as the reference solution.</Prose>}
      {diff.map((l, i) => (
        <DiffText key={i} line={l} />
      ))}
      {!mine && (
        <Prose dimColor>
          Press <Key k="c" /> to check again and see your rd's calls against these.
        </Prose>
      )}
    </Box>
  );
}

export const KEYS: [string, string][] = [
  ['c', 'check this level (x stops a running check)'],
  ['w', 'watch on/off: re-check whenever rd.ts or linux.ts is saved'],
  ['h', 'show hints; each press reveals one more'],
  ['s', "after a pass: the reference solution, as a diff against your rd.ts, and what each rd did in the same check"],
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
