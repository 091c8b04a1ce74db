import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appEnvFromToml, deployProblem, targetEnv } from '../../scripts/deploy-env.mjs';

const toml = (vars: string, extra = '') => `name = "x"\n[vars]\n${vars}\nAPP_URL = "https://a"\n${extra}`;

describe('the deploy guard', () => {
  it('refuses the repository wrangler.toml as shipped (APP_ENV = "development")', () => {
    const shipped = readFileSync('wrangler.toml', 'utf8');
    expect(appEnvFromToml(shipped, null)).toBe('development');
    expect(deployProblem(shipped, null)).toMatch(
      /^Refusing to deploy: APP_ENV is "development" in wrangler.toml \[vars\]/,
    );
  });

  it('allows production and refuses test, a missing APP_ENV and an environment override', () => {
    expect(deployProblem(toml('APP_ENV = "production"'), null)).toBeNull();
    expect(deployProblem(toml("APP_ENV = 'production' # comment"), null)).toBeNull();
    expect(deployProblem(toml('APP_ENV = "test"'), null)).toMatch(/"test"/);
    expect(deployProblem(toml('LOG_LEVEL = "info"'), null)).toMatch(/not set/);
    const withEnv = toml(
      'APP_ENV = "production"',
      '[env.staging.vars]\nAPP_ENV = "development"\n[env.prod]\nvars = { APP_ENV = "production" }\n',
    );
    expect(deployProblem(withEnv, 'staging')).toMatch(/\[env.staging.vars\]/);
    expect(deployProblem(withEnv, 'prod')).toBeNull();
    // wrangler does not inherit [vars] into an environment: without its own APP_ENV it is unset.
    expect(deployProblem(toml('APP_ENV = "production"'), 'other')).toMatch(/not set/);
  });

  it('finds the target environment in the arguments or CLOUDFLARE_ENV', () => {
    expect(targetEnv(['--env', 'staging'])).toBe('staging');
    expect(targetEnv(['--env=prod'])).toBe('prod');
    expect(targetEnv(['-e', 'x'])).toBe('x');
    expect(targetEnv([], { CLOUDFLARE_ENV: 'ci' })).toBe('ci');
    expect(targetEnv([])).toBeNull();
  });
});
