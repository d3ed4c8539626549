import { Box, Text } from 'ink';
import type { CheckResult, Outcome } from '../check/types.js';
import { parseTrace, traceHeading, traceMark, type TraceLine } from '../report/trace.js';
import { counted, stillPass } from '../report/text.js';
import type { CheckRow, CheckRun, StageRow } from './check-state.js';
import type { Recap } from './lesson.js';
import { Markdown, Prose } from './markdown.js';
import { Spinner, formatMs } from './spinner.js';
import { useTheme } from './theme.js';

const STAGE_LABELS: Record<StageRow['stage'], string> = {
  bundle: 'bundling rd.ts',
  save: 'saving a booted VM for fast starts (once, after an update)',
  boot: 'starting the VM',
  checks: 'running the checks',
};

export interface CheckPanelProps {
  run: CheckRun;
  /** Title of the level that was checked. */
  title: string;
  hints: { revealed: number; total: number };
  /** The level a pass moves on to, if any. */
  next?: { id: string; title: string };
  /** What the lesson sums up, shown on a pass. */
  recap?: Recap;
  /** Whether the first failure's trace of rd's calls is shown in full (t toggles it). */
  traceShown: boolean;
}

/**
 * Other failures shown with their messages; the rest by name only, so that a stub's dozen failures (often for
 * one cause, the first's) leave the check's stages on a small terminal. `check` and its reports list them all.
 */
const OTHERS_DETAILED = 3;

/** The failure whose details the panel shows, and so whose trace t shows. */
export function shownFailure(outcome: Outcome | undefined): CheckResult | undefined {
  return outcome?.results.find((r) => r.status === 'fail');
}

/** A check as it runs, then its verdict with what to do about it. */
export function CheckPanel(props: CheckPanelProps) {
  const { run } = props;
  return (
    <Box flexDirection="column" rowGap={1}>
      {run.status === 'stopped' && <Text dimColor>Check stopped.</Text>}
      {run.outcome && <Verdict {...props} outcome={run.outcome} />}
      <Progress run={run} />
      {run.status === 'running' && run.log.length > 0 && <Lines title="The VM says:" lines={run.log.slice(-5)} />}
    </Box>
  );
}

function Verdict({ outcome, title, hints, next, recap, traceShown }: CheckPanelProps & { outcome: Outcome }) {
  const theme = useTheme();
  const failed = outcome.results.filter((r) => r.status === 'fail');
  const passedCount = outcome.results.length - failed.length;
  if (outcome.verdict === 'pass') {
    return (
      <Box flexDirection="column" rowGap={1}>
        <Prose bold color={theme.pass}>
          ✓ Level {outcome.level} passed: {title} ({passedCount} of {outcome.results.length} checks, {formatMs(outcome.ms)})
        </Prose>
        {recap && (
          <Box flexDirection="column">
            <Text bold>{recap.title}</Text>
            <Markdown source={recap.markdown} />
          </Box>
        )}
        <Prose>
          Press <Key k="s" /> to compare the reference solution with your rd.ts.
        </Prose>
        {next ? (
          <Prose>
            Next: level {next.id}, {next.title}. Press <Key k="n" /> or <Key k="enter" /> to read it. Keep your rd.ts: the lesson
            says what to add (or press <Key k="r" /> there to start from its stub).
          </Prose>
        ) : (
          <Prose bold color={theme.pass}>
            That was the last level: you have built a container runtime.
          </Prose>
        )}
      </Box>
    );
  }
  return (
    <Box flexDirection="column" rowGap={1}>
      {outcome.verdict === 'error' ? (
        <Box flexDirection="column">
          <Prose bold color={theme.fail}>
            ✗ Level {outcome.level} could not be checked
          </Prose>
          <Text>{outcome.error ?? 'The check stopped before it finished.'}</Text>
        </Box>
      ) : (
        <Prose bold color={theme.fail}>
          ✗ Level {outcome.level} not passed yet: {failed.length} of {outcome.results.length} checks failed
        </Prose>
      )}
      {failed.slice(0, 1).map((r) => (
        <Failure key={`${r.level}/${r.name}`} result={r} traceShown={traceShown} />
      ))}
      {failed.length > 1 && (
        <Box flexDirection="column">
          <Text dimColor>Also failed:</Text>
          {failed.slice(1, 1 + OTHERS_DETAILED).map((r) => (
            <Prose key={`${r.level}/${r.name}`}>
              <Text color={theme.fail}>✗ {r.level}/{r.name}</Text>
              {r.message && `: ${r.message}`}
            </Prose>
          ))}
          {failed.length > 1 + OTHERS_DETAILED && (
            <Prose>
              <Text color={theme.fail}>✗ </Text>
              {failed.slice(1 + OTHERS_DETAILED).map((r) => `${r.level}/${r.name}`).join(', ')}
            </Prose>
          )}
        </Box>
      )}
      {(outcome.verdict === 'error' || !failed[0]?.output) && outcome.tail.length > 0 && (
        <Lines title="Last lines the VM printed:" lines={outcome.tail.slice(-8)} />
      )}
      {outcome.verdict !== 'error' && <HintPointer hints={hints} />}
    </Box>
  );
}

function Failure({ result, traceShown }: { result: CheckResult; traceShown: boolean }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Prose bold color={theme.fail}>
        ✗ {result.level}/{result.name}
      </Prose>
      {result.message && <Prose>{result.message}</Prose>}
      {result.expected !== undefined && (
        <Text>
          <Text color={theme.pass}>expected: </Text>
          <Value text={result.expected} />
        </Text>
      )}
      {result.actual !== undefined && (
        <Text>
          <Text color={theme.fail}>actual:   </Text>
          <Value text={result.actual} />
        </Text>
      )}
      {result.command && (
        <Text>
          <Text dimColor>command:  </Text>
          <Text color={theme.code}>{result.command}</Text>
        </Text>
      )}
      {result.output && <Lines title="It printed:" lines={result.output.split('\n').slice(-8)} />}
      {result.trace && <Trace trace={result.trace} shown={traceShown} />}
    </Box>
  );
}

/**
 * What rd did, from its trace: hidden, one line saying how to see it (and the call the failure points at,
 * if any); shown, every call with its mark.
 */
function Trace({ trace, shown }: { trace: string; shown: boolean }) {
  const lines = parseTrace(trace);
  if (!shown) {
    return (
      <Box flexDirection="column">
        <Prose dimColor>
          What rd did: {lines.length} {lines.length === 1 ? 'call' : 'calls'} through linux.ts. Press <Key k="t" /> to show them.
        </Prose>
        {lines.filter((l) => l.pointed).map((l, i) => <TraceCall key={i} line={l} />)}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text dimColor>{traceHeading(lines, lines.length)}</Text>
      {lines.map((l, i) => (
        <TraceCall key={i} line={l} />
      ))}
      <Prose dimColor>
        <Key k="t" /> hides them.
      </Prose>
    </Box>
  );
}

function TraceCall({ line }: { line: TraceLine }) {
  const theme = useTheme();
  return (
    <Text>
      {'  '}
      {traceMark(line)}{' '}
      <Text color={line.failed ? theme.fail : undefined} bold={line.pointed} dimColor={!line.failed && !line.pointed && !line.level}>
        {line.call}
      </Text>
    </Text>
  );
}

/** An expected or actual value; empty output is easy to miss, so it is named. */
function Value({ text }: { text: string }) {
  return text === '' ? <Text dimColor>(nothing)</Text> : <Text>{text}</Text>;
}

function HintPointer({ hints }: { hints: CheckPanelProps['hints'] }) {
  if (hints.total === 0) return null;
  if (hints.revealed < hints.total) {
    return (
      <Prose>
        Stuck? Press <Key k="h" /> for hint {hints.revealed + 1} of {hints.total}.
      </Prose>
    );
  }
  return (
    <Prose>
      You have seen all {hints.total} hints (<Key k="h" /> shows them again).
    </Prose>
  );
}

/** Stages, then checks grouped by level: the level being checked a check a line, an earlier one a line while it passes. */
function Progress({ run }: { run: CheckRun }) {
  // The level being checked first, then the earlier ones in order, however the VMs interleave them.
  const levels = [...new Set(run.checks.map((c) => c.level))].sort((a, b) => Number(b === run.level) - Number(a === run.level) || a.localeCompare(b));
  const starting = run.status === 'running' && run.stages.every((s) => s.status === 'waiting');
  return (
    <Box flexDirection="column">
      {run.stages.map((s, i) => (
        // Until the runner reports its first stage (it is still loading), the first one is as good as started.
        <StageLine key={s.stage} row={i === 0 && starting ? { ...s, status: 'running' } : s} stopped={run.status === 'stopped'} />
      ))}
      {levels.map((level) => {
        const rows = run.checks.filter((c) => c.level === level);
        const stopped = run.status === 'stopped';
        if (level === run.level || rows.some((c) => c.result?.status === 'fail')) {
          return rows.map((c) => <CheckLine key={`${c.level}/${c.name}`} row={c} stopped={stopped} />);
        }
        // An earlier level (regression checks) is one line while it passes: waiting, running, or done.
        const passed = rows.filter((c) => c.result).length;
        if (passed === rows.length) {
          const ms = rows.reduce((sum, c) => sum + (c.result?.ms ?? 0), 0);
          return <Row key={level} mark="✓" markColor="pass" label={stillPass(level, rows.length)} ms={ms} />;
        }
        if (!rows.some((c) => c.started)) return <Row key={level} mark="·" label={`level ${level}: ${counted(rows.length, 'check')}`} dim />;
        return <Row key={level} mark={stopped ? '-' : 'spin'} label={`level ${level}: ${passed} of ${counted(rows.length, 'check')} still pass`} />;
      })}
    </Box>
  );
}

function StageLine({ row, stopped }: { row: StageRow; stopped: boolean }) {
  if (row.stage === 'save' && row.status === 'waiting') return null; // only shown when it happens
  if (row.status === 'waiting') return <Row mark="·" label={STAGE_LABELS[row.stage]} dim />;
  if (row.status === 'running') return <Row mark={stopped ? '-' : 'spin'} label={STAGE_LABELS[row.stage]} />;
  if (row.status === 'failed') return <Row mark="✗" markColor="fail" label={STAGE_LABELS[row.stage]} ms={row.ms} />;
  return <Row mark="✓" markColor="pass" label={STAGE_LABELS[row.stage]} ms={row.ms} />;
}

function CheckLine({ row, stopped }: { row: CheckRow; stopped: boolean }) {
  const label = `${row.level}/${row.name}`;
  if (!row.started) return <Row mark="·" label={label} dim />;
  if (!row.result) return <Row mark={stopped ? '-' : 'spin'} label={label} />;
  return row.result.status === 'pass' ? (
    <Row mark="✓" markColor="pass" label={label} ms={row.result.ms} />
  ) : (
    <Row mark="✗" markColor="fail" label={label} ms={row.result.ms} />
  );
}

function Row({ mark, markColor, label, ms, dim }: { mark: string; markColor?: 'pass' | 'fail'; label: string; ms?: number; dim?: boolean }) {
  const theme = useTheme();
  return (
    <Box>
      <Box width={2} flexShrink={0}>
        {mark === 'spin' ? <Spinner /> : <Text color={markColor && theme[markColor]}>{mark}</Text>}
      </Box>
      <Text dimColor={dim}>{label}</Text>
      {ms !== undefined && <Text dimColor> {formatMs(ms)}</Text>}
    </Box>
  );
}

function Lines({ title, lines }: { title: string; lines: string[] }) {
  return (
    <Box flexDirection="column">
      <Text dimColor>{title}</Text>
      {lines.map((line, i) => (
        <Text key={i} dimColor>
          {'  │ '}
          {line}
        </Text>
      ))}
    </Box>
  );
}

/** A key name as the key bar shows it. */
export function Key({ k }: { k: string }) {
  const theme = useTheme();
  return (
    <Text bold color={theme.accent}>
      {k}
    </Text>
  );
}
