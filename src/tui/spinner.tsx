import { useEffect, useState } from 'react';
import { Text } from 'ink';
import { useTheme } from './theme.js';
import { FRAMES } from '../ui/term.js';

export function Spinner() {
  const theme = useTheme();
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 80);
    return () => clearInterval(timer);
  }, []);
  return <Text color={theme.accent}>{FRAMES[frame]}</Text>;
}

/** Milliseconds as a learner reads them: 0.4s, 12.3s, 1m05s. */
export function formatMs(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** An ISO time shown as HH:MM when it is today, else as the date. */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay ? `${pad(d.getHours())}:${pad(d.getMinutes())}` : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
