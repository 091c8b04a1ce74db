/**
 * `npm run ops -- set-plan <org-slug> <plan> [--agents N] [--minutes N] [--remote] [--url URL]`
 *
 * Sets an org's plan (and, for Enterprise contracts, its own agent and agent-minute limits):
 *
 * 1. D1, through wrangler: `wrangler d1 execute DB --local` (the state `npm start` and
 *    `wrangler dev` keep in .wrangler/state; `--persist-to DIR` for another) or `--remote`
 *    (production, with your wrangler login). The plan change and its audit row
 *    (`billing.plan_set_by_operator`) are written in one batch.
 * 2. The org's OrgHub, through the Worker: `POST <url>/internal/ops/orgs/<id>/sync` with
 *    `Authorization: Bearer $OPS_SECRET` (the same secret set on the Worker). URL defaults to
 *    http://127.0.0.1:8787 locally and $APP_URL with --remote. If the push fails, the cron sweep
 *    pushes the change within about five minutes; `--push-only` retries just this step.
 *
 * docs/decisions/014-operator-plan-changes.md says why it works this way.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { REPO_ROOT, toolEnv } from '../lib/runtime.mjs';

const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const USAGE = `Usage: npm run ops -- set-plan <org-slug> <${PLANS.join('|')}> [--agents N] [--minutes N]
       [--remote] [--persist-to DIR] [--url URL] [--actor NAME] [--reason TEXT] [--push-only]`;

function fail(message) {
  console.error(`set-plan: ${message}\n${USAGE}`);
  process.exit(1);
}

export function parseSetPlanArgs(argv) {
  const positional = [];
  const options = { remote: false, pushOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--agents') options.agents = value();
    else if (arg === '--minutes') options.minutes = value();
    else if (arg === '--remote') options.remote = true;
    else if (arg === '--local') options.remote = false;
    else if (arg === '--push-only') options.pushOnly = true;
    else if (arg === '--persist-to') options.persistTo = value();
    else if (arg === '--url') options.url = value();
    else if (arg === '--actor') options.actor = value();
    else if (arg === '--reason') options.reason = value();
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [slug, plan] = positional;
  if (!slug || !plan || positional.length > 2) throw new Error('give the org slug and the plan');
  // The slug and plan go into SQL text (wrangler d1 execute takes no parameters): only safe shapes pass.
  if (!/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(slug)) throw new Error(`"${slug}" is not an org slug`);
  if (!PLANS.includes(plan)) throw new Error(`unknown plan "${plan}"; choose one of: ${PLANS.join(', ')}`);
  const limits = {};
  for (const [key, field] of [
    ['agents', 'agents'],
    ['minutes', 'agentMinutesPerMonth'],
  ]) {
    if (options[key] === undefined) continue;
    if (!/^\d{1,9}$/.test(options[key])) throw new Error(`--${key} must be a whole number`);
    limits[field] = Number(options[key]);
  }
  if (Object.keys(limits).length > 0 && plan !== 'enterprise')
    throw new Error('--agents and --minutes set an Enterprise contract’s limits; use them with enterprise');
  return { slug, plan, limits: Object.keys(limits).length ? limits : null, ...options };
}

const sqlText = (value) => (value === null ? 'NULL' : `'${String(value).replaceAll("'", "''")}'`);

/** A time-ordered id like core/ids.ts makes (Crockford base32: 10 time + 16 random characters). */
function auditId(now) {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  let time = '';
  for (let i = 0, value = now; i < 10; i++, value = Math.floor(value / 32)) time = alphabet[value % 32] + time;
  const random = [...randomBytes(16)].map((b) => alphabet[b % 32]).join('');
  return `aud_${time}${random}`;
}

function d1(options, sql) {
  const args = ['d1', 'execute', 'DB', options.remote ? '--remote' : '--local', '--json', '--yes', '--command', sql];
  if (!options.remote)
    args.push('--persist-to', path.resolve(REPO_ROOT, options.persistTo ?? path.join('.wrangler', 'state')));
  const result = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'wrangler'), args, {
    cwd: REPO_ROOT,
    env: toolEnv(),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`wrangler d1 execute failed:\n${result.stderr || result.stdout}`);
  const parsed = JSON.parse(result.stdout);
  return parsed.flatMap((statement) => statement.results ?? []);
}

async function push(options, orgId) {
  const secret = process.env.OPS_SECRET;
  const url = options.url ?? (options.remote ? process.env.APP_URL : 'http://127.0.0.1:8787');
  if (!secret) return { ok: false, why: 'OPS_SECRET is not set in this shell' };
  if (!url) return { ok: false, why: 'no --url given and APP_URL is not set' };
  try {
    const res = await fetch(new URL(`/internal/ops/orgs/${orgId}/sync`, url), {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}` },
    });
    const body = await res.json().catch(() => null);
    return res.ok ? { ok: true, body } : { ok: false, why: `${res.status} ${JSON.stringify(body)}` };
  } catch (error) {
    return { ok: false, why: `${url} did not answer (${error.message})` };
  }
}

export const summary =
  "an org's plan and limits, audited and pushed to its OrgHub (<org-slug> <plan> [--agents N] [--minutes N] [--remote])";

export async function run(argv) {
  let options;
  try {
    options = parseSetPlanArgs(argv);
  } catch (error) {
    fail(error.message);
  }
  const where = options.remote ? 'production D1 (--remote)' : 'local D1';
  const [org] = d1(
    options,
    `SELECT id, slug, plan, plan_limits FROM organizations WHERE slug = ${sqlText(options.slug)} AND deleted_at IS NULL`,
  );
  if (!org) fail(`no organization "${options.slug}" in ${where}`);

  if (!options.pushOnly) {
    const now = Date.now();
    const limits = options.limits ? JSON.stringify(options.limits) : null;
    const metadata = JSON.stringify({
      from: { plan: org.plan, limits: org.plan_limits ? JSON.parse(org.plan_limits) : null },
      to: { plan: options.plan, limits: options.limits },
      reason: options.reason ?? 'operator',
      operator: options.actor ?? process.env.USER ?? 'unknown',
    });
    d1(
      options,
      [
        // An operator's plan is not a trial (the trial sweep would end it) nor Stripe's: active, or none for Free.
        `UPDATE organizations SET plan = ${sqlText(options.plan)}, plan_limits = ${sqlText(limits)},`,
        `subscription_status = ${sqlText(options.plan === 'free' ? 'none' : 'active')}, trial_ends_at = NULL, past_due_since = NULL,`,
        `updated_at = MAX(${now}, updated_at + 1) WHERE id = ${sqlText(org.id)};`,
        'INSERT INTO audit_log (id, organization_id, actor_type, actor_id, action, target_type, target_id, metadata, created_at)',
        `VALUES (${sqlText(auditId(now))}, ${sqlText(org.id)}, 'system', NULL, 'billing.plan_set_by_operator',`,
        `'organization', ${sqlText(org.id)}, ${sqlText(metadata)}, ${now});`,
      ].join(' '),
    );
    console.log(
      `${options.slug}: ${org.plan} → ${options.plan}${limits ? ` with ${limits}` : ''} in ${where} (audited).`,
    );
  }
  const pushed = await push(options, org.id);
  if (pushed.ok) {
    console.log(`Pushed to the org's OrgHub: ${JSON.stringify(pushed.body.organization)}`);
    return;
  }
  console.error(
    `Not pushed to the OrgHub: ${pushed.why}.\nD1 has the change; the cron sweep pushes it within about five minutes, or run again with --push-only.`,
  );
  process.exitCode = 2;
}
