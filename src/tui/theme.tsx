import { createContext, useContext, type ReactNode } from 'react';

/** Colours by meaning. Each is undefined when colour is off, so components just pass them to `color`. */
export interface Theme {
  accent?: string;
  pass?: string;
  fail?: string;
  warn?: string;
  code?: string;
  link?: string;
  muted?: string;
}

const COLOURS: Required<Theme> = {
  accent: 'cyan',
  pass: 'green',
  fail: 'red',
  warn: 'yellow',
  code: 'yellow',
  link: 'blue',
  muted: 'gray',
};

/**
 * Ink's colours come from chalk, which ignores NO_COLOR (it only reads FORCE_COLOR and the terminal), so
 * the TUI honours https://no-color.org itself: any non-empty NO_COLOR turns every colour off. Bold, dim
 * and underline stay, as the convention allows.
 */
export function makeTheme(env: NodeJS.ProcessEnv = process.env): Theme {
  return env.NO_COLOR ? {} : COLOURS;
}

const ThemeContext = createContext<Theme>(COLOURS);

export function ThemeProvider({ theme, children }: { theme: Theme; children: ReactNode }) {
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
