import { Box, Text, type Key as InkKey } from 'ink';
import { useKeys } from './keys.js';
import type { Level } from '../lessons.js';
import { levelProgress, type Progress } from '../progress.js';
import { Key } from './check-panel.js';
import { formatWhen } from './spinner.js';
import { useTheme } from './theme.js';

export interface LevelListProps {
  levels: Level[];
  progress: Progress;
  selected: number;
  onSelect(index: number): void;
  onOpen(index: number): void;
  onQuit(): void;
}

/** Every level with its status and last check; ↑↓ (or j/k) choose, enter opens. */
export function LevelList({ levels, progress, selected, onSelect, onOpen, onQuit }: LevelListProps) {
  const theme = useTheme();
  useKeys((input: string, key: InkKey) => {
    if (key.upArrow || input === 'k') onSelect(Math.max(0, selected - 1));
    else if (key.downArrow || input === 'j') onSelect(Math.min(levels.length - 1, selected + 1));
    else if (key.return || input === ' ') onOpen(selected);
    else if (input === 'q' || (key.ctrl && input === 'c')) onQuit();
  });
  const passed = levels.filter((l) => levelProgress(progress, l.id).passedEver).length;
  const titleWidth = Math.max(...levels.map((l) => l.title.length)) + 2;
  return (
    <Box flexDirection="column" paddingX={1}>
      <Text bold color={theme.accent}>
        rubber-workshop: build a container runtime, one level at a time
      </Text>
      <Text dimColor>
        {passed} of {levels.length} levels passed
      </Text>
      <Box flexDirection="column" marginY={1}>
        {levels.map((level, i) => (
          <LevelRow key={level.id} level={level} progress={progress} selected={i === selected} titleWidth={titleWidth} />
        ))}
      </Box>
      <Text>
        <Key k="↑↓" /> choose  <Key k="enter" /> open  <Key k="q" /> quit
      </Text>
    </Box>
  );
}

function LevelRow({ level, progress, selected, titleWidth }: { level: Level; progress: Progress; selected: boolean; titleWidth: number }) {
  const theme = useTheme();
  const entry = levelProgress(progress, level.id);
  const isCurrent = progress.current === level.id;
  const [mark, markColor, status] = entry.passedEver
    ? ['✓', theme.pass, 'passed']
    : isCurrent
      ? ['●', theme.accent, 'current']
      : ['·', undefined, 'not yet'];
  return (
    <Box>
      <Text color={theme.accent}>{selected ? '▸ ' : '  '}</Text>
      <Text color={markColor}>{mark} </Text>
      <Text bold={selected}>{level.id}  </Text>
      <Box width={titleWidth} flexShrink={1}>
        <Text bold={selected} wrap="truncate-end">
          {level.title}
        </Text>
      </Box>
      <Box width={9} flexShrink={0}>
        <Text dimColor={!isCurrent && !entry.passedEver}>{entry.passedEver && isCurrent ? 'current' : status}</Text>
      </Box>
      {entry.lastCheckAt && <LastCheck verdict={entry.verdict} when={entry.lastCheckAt} passed={entry.checksPassed} total={entry.checksTotal} />}
    </Box>
  );
}

/** "✗ 3/5 14:02": the last check's verdict, its checks and when it ran. */
export function LastCheck({ verdict, when, passed, total }: { verdict?: string; when: string; passed: number; total: number }) {
  const theme = useTheme();
  const [mark, color] = verdict === 'pass' ? ['✓', theme.pass] : verdict === 'fail' ? ['✗', theme.fail] : ['!', theme.warn];
  return (
    <Text>
      <Text color={color}>{mark}</Text>
      <Text dimColor>
        {total > 0 ? ` ${passed}/${total}` : verdict === 'error' ? ' error' : ''} {formatWhen(when)}
      </Text>
    </Text>
  );
}
