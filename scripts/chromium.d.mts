export const CHROMIUM: string;
export function chromium(args: string[], opts?: { timeoutMs?: number }): string;
export function screenshot(url: string, file: string, opts?: { width?: number; height?: number }): void;
