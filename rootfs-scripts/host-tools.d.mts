// Types for host-tools.mjs, which stays JavaScript so that the rootfs scripts can import it.
import type { UserError } from './user-error.mjs';

export type ToolUser = 'vm' | 'busybox' | 'kernel' | 'kernel-package' | 'image' | 'debian' | 'rootfs' | 'image-add' | 'test' | 'image-test';
export interface Tool {
  pkg: string;
  by: ToolUser[];
  does: string;
  optional?: string;
  env?: string;
  base?: boolean;
}
export declare const tools: Record<string, Tool>;
export declare function which(cmd: string, env?: NodeJS.ProcessEnv): string | null;
export declare function toolCommand(name: string, env?: NodeJS.ProcessEnv): string;
export declare function toolPath(name: string, env?: NodeJS.ProcessEnv): string | null;
export declare function toolsFor(users: ToolUser[]): string[];
export declare function installCommand(names: string[]): string;
export declare function fixFor(names: string[], env?: NodeJS.ProcessEnv, run?: string): string;
export declare class MissingToolError extends UserError {
  tools: string[];
  constructor(names: string[], env?: NodeJS.ProcessEnv);
}
export declare function requireTools(users: ToolUser[], env?: NodeJS.ProcessEnv): void;
export declare function scriptNeeds(users: ToolUser[]): void;
