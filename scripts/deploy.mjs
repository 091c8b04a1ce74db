#!/usr/bin/env node
/**
 * `npm run deploy [-- --env NAME]`: refuses a development or test APP_ENV (scripts/deploy-env.mjs),
 * then builds, applies the D1 migrations remotely, deploys the live-room script
 * (wrangler.live.toml: the main Worker binds its Durable Object, so it must exist first) and runs
 * `wrangler deploy` with the same --env.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployProblem, targetEnv } from './deploy-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const envName = targetEnv(args, process.env);
const problem = deployProblem(readFileSync(path.join(root, 'wrangler.toml'), 'utf8'), envName);
if (problem) {
  console.error(problem);
  process.exit(1);
}

const envArgs = envName ? ['--env', envName] : [];
const bin = path.join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
for (const [command, ...rest] of [
  ['remix', 'vite:build'],
  ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--remote', ...envArgs],
  ['wrangler', 'deploy', '--config', 'wrangler.live.toml'],
  ['wrangler', 'deploy', ...args],
]) {
  const result = spawnSync(command, rest, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
