export function workerFirstRoutes(assets: { run_worker_first?: boolean | string[] } | undefined): string[];
