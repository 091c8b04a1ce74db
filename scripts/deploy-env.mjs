/**
 * The deploy guard: which APP_ENV `wrangler deploy` would ship, read from wrangler.toml
 * (`[vars]`, or `[env.NAME.vars]` for `--env NAME` / CLOUDFLARE_ENV). Anything but
 * "production" is refused: development and test use public fallback secrets.
 * A deliberately small reader of the TOML it needs (section headers and `KEY = "value"`).
 */

/** `--env NAME`, `--env=NAME`, `-e NAME`, else $CLOUDFLARE_ENV, else null (top-level vars). */
export function targetEnv(args, environment = {}) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--env' || arg === '-e') return args[i + 1] || null;
    if (arg.startsWith('--env=')) return arg.slice('--env='.length) || null;
  }
  return environment.CLOUDFLARE_ENV || null;
}

/** The APP_ENV value of `[vars]` (envName null) or `[env.<envName>.vars]`; undefined when unset. */
export function appEnvFromToml(toml, envName) {
  const wanted = envName ? `env.${envName}.vars` : 'vars';
  let section = '';
  let value;
  for (const raw of toml.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      section = header[1].replace(/\s+/g, '').replace(/"/g, '');
      continue;
    }
    const inline = /^vars\s*=\s*\{(.*)\}$/.exec(line);
    const scope = inline ? (section ? `${section}.vars` : 'vars') : section;
    if (scope !== wanted) continue;
    const match = /(?:^|[{,])\s*APP_ENV\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(inline ? inline[1] : line);
    if (match) value = match[1] ?? match[2];
  }
  return value;
}

/** Null when the deploy may go ahead, else the message that says why not. */
export function deployProblem(toml, envName) {
  const where = envName ? `[env.${envName}.vars]` : '[vars]';
  // wrangler does not inherit [vars] into an environment: only its own count.
  const appEnv = appEnvFromToml(toml, envName);
  if (appEnv === 'production') return null;
  return [
    `Refusing to deploy: APP_ENV is ${appEnv === undefined ? 'not set (it defaults to "development")' : `"${appEnv}"`} in wrangler.toml ${where}.`,
    'Development and test use public fallback secrets (ENCRYPTION_KEY) that anyone can read in this repository.',
    `Set APP_ENV = "production" in ${where}, set the secrets (npx wrangler secret put ENCRYPTION_KEY), then deploy again.`,
  ].join('\n');
}
