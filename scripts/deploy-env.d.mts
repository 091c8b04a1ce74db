export function targetEnv(args: readonly string[], environment?: Record<string, string | undefined>): string | null;
export function appEnvFromToml(toml: string, envName: string | null): string | undefined;
export function deployProblem(toml: string, envName: string | null): string | null;
