/** Types of what TypeScript configs (vitest.config.mts) import from runtime.mjs. */
export const REPO_ROOT: string;
export function bundleWorker(options: { config?: string; entry?: string; outDir: string }): string;
export function companionConfigs(config: string): Promise<string[]>;
