import { useEffect, useState, type ReactNode } from 'react';
import { Box, Text, type Key as InkKey } from 'ink';
import type { LevelProgress } from '../progress.js';
import { Key } from './check-panel.js';
import { LastCheck } from './level-list.js';
import { Prose } from './markdown.js';
import { ScrollView, type Viewport } from './scroll-view.js';
import { Spinner } from './spinner.js';
import { useTheme } from './theme.js';
import type { Notice } from './app-state.js';
import { useKeys } from './keys.js';

export type Panel = 'lesson' | 'check' | 'hints' | 'solution' | 'help';

export type Action =
  | 'check' | 'stop' | 'watch' | 'hint' | 'solution' | 'trace' | 'reset' | 'edit' | 'shell'
  | 'next' | 'prev' | 'list' | 'help' | 'quit' | 'toggle' | 'back' | 'continue' | 'yes' | 'no';

const LETTERS: Record<string, Action> = {
  c: 'check', x: 'stop', w: 'watch', h: 'hint', s: 'solution', t: 'trace', r: 'reset', e: 'edit', v: 'shell',
  n: 'next', p: 'prev', l: 'list', '?': 'help', q: 'quit',
};

/** Maps a key press to what it asks for; while a confirmation is open only y/n (and esc) count. */
export function actionFor(input: string, key: InkKey, confirming: boolean): Action | undefined {
  if (key.ctrl && input === 'c') return 'quit';
  if (confirming) return input === 'y' || input === 'Y' ? 'yes' : input === 'n' || input === 'N' || key.escape || key.return ? 'no' : undefined;
  if (key.tab) return 'toggle';
  if (key.escape) return 'back';
  if (key.return) return 'continue';
  return LETTERS[input];
}

export interface LevelScreenProps {
  id: string;
  title: string;
  /** 1-based position and count, for "level 4 of 11". */
  position: number;
  count: number;
  entry: LevelProgress;
  panel: Panel;
  panelTitle: string;
  /** Set while a check runs, naming its level. */
  checking?: string;
  watching: boolean;
  notice?: Notice;
  confirm?: string;
  passed: boolean;
  /** Whether the last failure's trace of rd's calls is shown; undefined when there is none. */
  trace?: 'shown' | 'hidden';
  onAction(action: Action): void;
  children: ReactNode;
}

/** One level: header, the chosen panel (scrollable), feedback line and key bar. */
export function LevelScreen(props: LevelScreenProps) {
  const { panel, id, confirm, onAction, children } = props;
  const [offset, setOffset] = useState(0);
  const [view, setView] = useState<Viewport>({ height: 1, contentHeight: 0 });
  const maxOffset = Math.max(0, view.contentHeight - view.height);
  useEffect(() => setOffset(0), [panel, id]);
  useEffect(() => setOffset((o) => Math.min(o, maxOffset)), [maxOffset]);

  useKeys((input: string, key: InkKey) => {
    const page = Math.max(1, view.height - 2);
    const scroll = (by: number) => setOffset((o) => Math.max(0, Math.min(maxOffset, o + by)));
    if (!confirm) {
      if (key.upArrow || input === 'k') return scroll(-1);
      if (key.downArrow || input === 'j') return scroll(1);
      if (key.pageUp || input === 'b') return scroll(-page);
      if (key.pageDown || input === ' ') return scroll(page);
      if (key.home || input === 'g') return setOffset(0);
      if (key.end || input === 'G') return setOffset(maxOffset);
    }
    const action = actionFor(input, key, Boolean(confirm));
    if (action) onAction(action);
  });

  return (
    <Box flexDirection="column" flexGrow={1}>
      <Header {...props} />
      <Tabs {...props} offset={offset} view={view} />
      <Box flexGrow={1} flexBasis={0} flexDirection="column" paddingX={1} overflow="hidden">
        <ScrollView offset={offset} onViewport={(v) => (v.height !== view.height || v.contentHeight !== view.contentHeight) && setView(v)}>
          {children}
        </ScrollView>
      </Box>
      <Feedback {...props} />
      <KeyBar {...props} />
    </Box>
  );
}

function Header({ id, title, position, count, entry, checking, watching }: LevelScreenProps) {
  const theme = useTheme();
  return (
    <Box paddingX={1}>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end">
          <Text bold color={theme.accent}>
            {id} {title}
          </Text>
          <Text dimColor>
            {'  '}level {position} of {count}
          </Text>
        </Text>
      </Box>
      <Box flexShrink={0} columnGap={2}>
        {checking && (
          <Text>
            <Spinner /> checking {checking}
          </Text>
        )}
        {watching && <Text color={theme.accent}>◉ watching</Text>}
        {entry.passedEver && <Text color={theme.pass}>✓ passed</Text>}
        {entry.lastCheckAt && <LastCheck verdict={entry.verdict} when={entry.lastCheckAt} passed={entry.checksPassed} total={entry.checksTotal} />}
      </Box>
    </Box>
  );
}

function Tabs({ panelTitle, offset, view }: LevelScreenProps & { offset: number; view: Viewport }) {
  const theme = useTheme();
  const scrollable = view.contentHeight > view.height;
  const percent = Math.round((100 * offset) / Math.max(1, view.contentHeight - view.height));
  return (
    <Box paddingX={1}>
      <Box flexGrow={1}>
        <Text color={theme.muted}>── {panelTitle} ──</Text>
      </Box>
      {scrollable && <Text dimColor>{offset === 0 ? 'top ↓' : percent >= 100 ? 'end ↑' : `${percent}% ↕`}</Text>}
    </Box>
  );
}

function Feedback({ notice, confirm }: LevelScreenProps) {
  const theme = useTheme();
  if (confirm) {
    return (
      <Box paddingX={1}>
        <Prose bold color={theme.warn}>
          {confirm} <Key k="y" /> yes  <Key k="n" /> no
        </Prose>
      </Box>
    );
  }
  if (!notice) return null;
  const color = { info: undefined, good: theme.pass, bad: theme.fail }[notice.tone];
  return (
    <Box paddingX={1}>
      <Prose color={color}>{notice.text}</Prose>
    </Box>
  );
}

function KeyBar({ checking, id, watching, passed, trace, panel, confirm }: LevelScreenProps) {
  if (confirm) return null;
  const keys: [string, string][] = [
    checking === id ? ['x', 'stop'] : ['c', 'check'],
    ['w', watching ? 'watch off' : 'watch'],
    ['h', 'hint'],
    ...(passed ? [['s', 'solution'] as [string, string]] : []),
    ...(trace ? [['t', trace === 'shown' ? 'hide trace' : 'trace'] as [string, string]] : []),
    ['r', 'reset'],
    ['e', 'edit'],
    ['v', 'VM shell'],
    ['n/p', 'level'],
    ['l', 'list'],
    [panel === 'lesson' ? 'tab' : 'esc', panel === 'lesson' ? 'last check' : 'lesson'],
    ['?', 'help'],
    ['q', 'quit'],
  ];
  return (
    <Box paddingX={1} flexWrap="wrap" columnGap={2}>
      {keys.map(([k, label]) => (
        <Text key={k}>
          <Key k={k} /> {label}
        </Text>
      ))}
    </Box>
  );
}
