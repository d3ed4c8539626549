import { createRequire } from 'node:module';

/** This package's version, from its package.json (one level above src/ and dist/). */
export const version: string = createRequire(import.meta.url)('../package.json').version;
