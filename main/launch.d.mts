// Types of main/launch.mjs (plain JavaScript, so it runs before any build) for the TypeScript that imports it.
export declare const ROOT: string;
export declare const DIST: string;
export declare const BUILD_STAMP: string;
export declare const SOURCE_DIRS: string[];
export interface CommandLine {
  argv?: string[];
  execArgv?: string[];
  nodeOptions?: string;
}
export declare function debugSwitches(o?: CommandLine): string[];
export declare function refuseDebugSwitches(o?: CommandLine): void;
export declare function newestSourceMtime(root?: string): number;
export declare function distProblem(root?: string): string | null;
export declare function requireBuild(): void;
export declare function loadCompiled(rel: string): Promise<any>;
