import type { MetaFunction } from '@remix-run/cloudflare';
import { Link } from '@remix-run/react';
import { ERROR_STATUS } from '../../core/errors';
import { formatLimit, PLANS, publicPlans } from '../../core/plans';
import { CodeBlock } from '../components/docs/CodeBlock';
import { DocsLayout, TableOfContents, type TocItem } from '../components/docs/DocsLayout';
import { Callout, Code, DocSection, DocTable, H3, InlineText, List, P, TextLink } from '../components/docs/Prose';
import { SCOPE_DOCS } from '../components/docs/scopes';
import { pageMeta } from '../lib/meta';

export const meta: MetaFunction = () =>
  pageMeta({
    title: 'Quickstart · Generic Corp docs',
    description:
      'Give your first task to an AI agent with the Generic Corp API: create a key, POST /v1/tasks with curl, and watch the work live over Server-Sent Events or a WebSocket.',
  });

const TOC: TocItem[] = [
  { id: 'start', label: 'Sign up or run it yourself' },
  { id: 'api-key', label: 'Create an API key' },
  { id: 'first-task', label: 'Give a task' },
  {
    id: 'watch',
    label: 'Watch it work',
    children: [
      { id: 'task-status', label: 'Task status' },
      { id: 'task-stream', label: 'Server-Sent Events' },
      { id: 'live', label: 'Live WebSocket' },
    ],
  },
  {
    id: 'errors',
    label: 'Errors and limits',
    children: [
      { id: 'error-envelope', label: 'The error envelope' },
      { id: 'rate-limits', label: 'Rate limits' },
      { id: 'plan-limits', label: 'Plan limits' },
    ],
  },
  {
    id: 'model',
    label: 'The model',
    children: [
      { id: 'simulated-model', label: 'Simulated model' },
      { id: 'own-key', label: 'Your own Anthropic key' },
      { id: 'approvals', label: 'Approvals' },
    ],
  },
  { id: 'self-hosting', label: 'Self-hosting' },
];

const ENV = `export GC_URL=https://genericcorp.io   # or http://localhost:8787 when you run it yourself
export GC_API_KEY=gc_sk_…              # shown once, when you create the key`;

const RUN_LOCALLY = `npm install && npm start   # then open http://localhost:8787`;

const CREATE_TASK = `curl -X POST "$GC_URL/v1/tasks" \\
  -H "Authorization: Bearer $GC_API_KEY" \\
  -H "Content-Type: application/json" \\
  -H "Idempotency-Key: review-pr-42" \\
  -d '{"agent": "sable", "description": "Review PR #42", "priority": "high"}'`;

const CREATED = `HTTP/1.1 201 Created
Location: /v1/tasks/tsk_01m8jamdmdbarzfvzj636k
X-Request-Id: 7bc0a5bd-7e79-4995-b6d6-29981379445e

{
  "id": "tsk_01m8jamdmdbarzfvzj636k",
  "agent": { "id": "agt_01m8jama683vj8gnzsefrp", "slug": "sable", "name": "Sable" },
  "title": "Review PR #42",
  "status": "queued",
  "priority": "high",
  "depends_on": [],
  "result": null,
  "attempts": 1,
  "usage": { "agent_ms": 0, "input_tokens": 0, "output_tokens": 0, "cost_usd": 0 },
  …
}`;

const GET_TASK = `curl "$GC_URL/v1/tasks/tsk_01m8jamdmdbarzfvzj636k" -H "Authorization: Bearer $GC_API_KEY"`;

const STREAM = `curl -N "$GC_URL/v1/tasks/tsk_01m8jamdmdbarzfvzj636k/stream" -H "Authorization: Bearer $GC_API_KEY"`;

const STREAM_OUTPUT = `id: 4
event: task.updated
data: {"seq":4,"type":"task.updated","at":"…","data":{"task":{"id":"tsk_…","status":"running",…},"change":"started","provider":"simulated"}}

id: 6
event: run.step
data: {"seq":6,"type":"run.step","at":"…","data":{"task_id":"tsk_…","run_id":"run_…","steps":[{"type":"thinking","content":"…"}]}}

id: 9
event: task.updated
data: {"seq":9,"type":"task.updated","at":"…","data":{"task":{"id":"tsk_…","status":"completed","result":"…",…}}}`;

const LIVE = `// Node.js 22+ (its built-in WebSocket can send the key as a header).
const url = process.env.GC_URL.replace(/^http/, 'ws') + '/v1/live';
let lastSeq = 0; // keep this somewhere durable to resume across restarts

function connect() {
  const ws = new WebSocket(\`\${url}?since=\${lastSeq}\`, {
    headers: { Authorization: \`Bearer \${process.env.GC_API_KEY}\` },
  });
  const keepAlive = setInterval(() => ws.send('{"type":"ping"}'), 30_000);

  ws.onmessage = ({ data }) => {
    const frame = JSON.parse(data);
    if (frame.type === 'hello' || frame.type === 'pong') return;
    if (frame.type === 'resync') {
      // Too far behind for a replay: refetch what you show (GET /v1/tasks …), then carry on.
      lastSeq = frame.seq;
      return;
    }
    if (typeof frame.seq !== 'number') return; // presence and errors are not in the event log
    lastSeq = frame.seq; // every event: { seq, type, at, data }
    console.log(frame.seq, frame.type, frame.data);
  };
  ws.onclose = () => {
    clearInterval(keepAlive);
    setTimeout(connect, 1_000); // reconnect with ?since= and miss nothing
  };
}

connect();`;

const ERROR = `{
  "error": {
    "code": "validation_failed",
    "message": "The request is not valid.",
    "details": [{ "field": "description", "message": "Describe the task." }],
    "request_id": "74c23057-050e-423d-8459-36b943c21aab"
  }
}`;

const RATE_LIMITED = `HTTP/1.1 429 Too Many Requests
Retry-After: 12
X-RateLimit-Limit: 60
X-RateLimit-Remaining: 0
X-RateLimit-Reset: 1795911480

{"error": {"code": "rate_limited", "message": "Too many requests. Try again in 12 s.", "details": {"limit": 60, "reset_at": 1795911480}, "request_id": "…"}}`;

const SIMULATE = `curl -X POST "$GC_URL/v1/tasks" \\
  -H "Authorization: Bearer $GC_API_KEY" -H "Content-Type: application/json" \\
  -d '{"agent": "yuki", "description": "Rotate the staging certificates [simulate:fail-once] [simulate:think=1500]"}'`;

const APPROVE = `curl "$GC_URL/v1/approvals" -H "Authorization: Bearer $GC_API_KEY"   # drafts waiting for a person

curl -X POST "$GC_URL/v1/approvals/$APPROVAL_ID/approve" \\
  -H "Authorization: Bearer $GC_API_KEY" -H "Content-Type: application/json" \\
  -d '{"note": "Looks good, send it."}'`;

const DEPLOY = `npx wrangler login
npx wrangler d1 create generic-corp            # put the database_id in wrangler.toml
npx wrangler kv namespace create KV            # put the id in wrangler.toml
npx wrangler queues create agent-runs
npx wrangler queues create agent-runs-dlq
npx wrangler queues create emails
npx wrangler secret put ENCRYPTION_KEY         # openssl rand -base64 32
# optional: ANTHROPIC_API_KEY, CLERK_*; hosted edition: STRIPE_*
# set APP_ENV = "production" and APP_URL in wrangler.toml [vars]
npm run deploy                                 # refuses APP_ENV other than production; builds, migrates, deploys`;

const STATUS_MEANINGS: Partial<Record<keyof typeof ERROR_STATUS, string>> = {
  validation_failed: 'A field is missing or wrong; `details` names each one.',
  invalid_json: 'The body is not JSON, or not UTF-8.',
  unauthorized: 'No key, or a revoked, expired or malformed one.',
  payment_required: 'Over a plan limit (see below).',
  quota_exceeded: 'Over a plan quota, such as waiting tasks.',
  forbidden: 'The key lacks a scope (`details.required_scope`) or your role cannot do this.',
  not_found: 'No such record in your organization (another org’s record is a 404 too).',
  conflict: 'The state does not allow it, or an Idempotency-Key was reused with another body.',
  payload_too_large: 'The body is over the size limit.',
  unsupported_media_type: 'Send Content-Type: application/json.',
  rate_limited: 'Too many requests this minute; wait Retry-After seconds.',
  internal_error: 'Our fault. Quote the request id if you contact us.',
};

export default function Quickstart() {
  const rateLimitPlans = [...publicPlans(), PLANS.self_hosted];
  return (
    <DocsLayout sidebar={<TableOfContents items={TOC} />}>
      <article className="max-w-3xl">
        <header className="pb-10">
          <p className="text-sm font-semibold text-accent-ink">Documentation</p>
          <h1 className="mt-2 text-3xl font-semibold tracking-tight text-ink sm:text-4xl">Quickstart</h1>
          <p className="mt-4 text-lg leading-8 text-ink-muted">
            Generic Corp gives your organization a team of named AI agents (Marcus, Sable, DeVonte, Yuki, Graham and any
            you add) that take tasks from a dashboard or an HTTP API. You hand them work, then watch it happen live:
            status, progress, every step of every run.
          </p>
          <p className="mt-3 text-[15px] leading-7 text-ink-muted">
            This page takes you from nothing to a finished task in about five minutes. Every endpoint is in the{' '}
            <TextLink href="/docs/api">API reference</TextLink>.
          </p>
        </header>

        <div className="space-y-6">
          <DocSection id="start" step={1} title="Sign up, or run it yourself">
            <P>
              <TextLink href="/signup">Create an account</TextLink> and an organization; it comes with the default team
              of five agents, ready for work. Or run the whole product on your machine: it needs Node.js 20 or later and
              no accounts or keys.
            </P>
            <CodeBlock code={RUN_LOCALLY} />
            <P>
              <Code>npm start</Code> prints the URL and a seeded demo login: <Code>demo@genericcorp.local</Code> with
              password <Code>demo-password-2026</Code>, in the organization <Code>acme</Code>. Locally, agents use the
              simulated model (see <TextLink href="#model">The model</TextLink>), so everything works offline.
            </P>
          </DocSection>

          <DocSection id="api-key" step={2} title="Create an API key">
            <P>
              In the dashboard open <strong className="font-semibold text-ink">Settings → API keys</strong>, name the
              key after the integration that will use it and tick the scopes it needs. The key, <Code>gc_sk_…</Code>, is
              shown once: store it in a secret manager. Keys belong to the organization, not to you, and can expire or
              be revoked at any time (revocation is immediate where it was made, and within about 75 seconds
              everywhere).
            </P>
            <DocTable
              caption="API key scopes"
              head={['Scope', 'Allows', 'Default']}
              rows={SCOPE_DOCS.map(({ scope, allows, byDefault }) => [
                <Code key="scope">{scope}</Code>,
                allows,
                byDefault ? (
                  <span key="default" className="font-medium text-emerald-700 dark:text-emerald-400">
                    Yes
                  </span>
                ) : (
                  <span key="default" className="text-ink-faint">
                    No
                  </span>
                ),
              ])}
            />
            <P>The examples below read the base URL and the key from the environment:</P>
            <CodeBlock code={ENV} />
          </DocSection>

          <DocSection id="first-task" step={3} title="Give an agent a task">
            <P>
              <Code>POST /v1/tasks</Code> with the agent (slug or id) and a description. The answer is the task, already{' '}
              <Code>queued</Code> or <Code>pending</Code> until the agent is free.
            </P>
            <CodeBlock code={CREATE_TASK} title="Give Sable a task" />
            <CodeBlock code={CREATED} language="http" title="Response" copy={false} />
            <List>
              <li>
                <Code>priority</Code> is <Code>low</Code>, <Code>normal</Code> (default), <Code>high</Code> or{' '}
                <Code>urgent</Code>; higher priorities are admitted first.
              </li>
              <li>
                <Code>depends_on</Code> lists task ids that must complete first; <Code>title</Code>,{' '}
                <Code>max_attempts</Code>, <Code>scheduled_for</Code> and <Code>metadata</Code> are optional too.
              </li>
              <li>
                <strong className="font-semibold text-ink">Idempotency-Key</strong> makes retries safe: the same key
                with the same body returns the same task (<Code>200</Code>), the same key with another body is a{' '}
                <Code>409</Code>.
              </li>
            </List>
          </DocSection>

          <DocSection id="watch" step={4} title="Watch it work">
            <P>
              A task moves <Code>pending</Code> → <Code>queued</Code> → <Code>running</Code> and ends{' '}
              <Code>completed</Code>, <Code>failed</Code> (after its retries), <Code>blocked</Code>,{' '}
              <Code>cancelled</Code>, or waits in <Code>awaiting_approval</Code>. Three ways to follow it:
            </P>

            <H3 id="task-status">Poll the task</H3>
            <P>
              <Code>GET /v1/tasks/:id</Code> returns the task with its status, progress, result or error, dependencies,
              children, runs and usage.
            </P>
            <CodeBlock code={GET_TASK} />

            <H3 id="task-stream">Stream one task (Server-Sent Events)</H3>
            <P>
              <Code>GET /v1/tasks/:id/stream</Code> sends <Code>task.updated</Code> and <Code>run.step</Code> events
              until the task ends. Use <Code>curl -N</Code> so output is not buffered. Each event’s <Code>id</Code> is
              its sequence number: reconnect with <Code>Last-Event-ID</Code> (browsers’ EventSource does this for you)
              or <Code>?since=</Code> to resume.
            </P>
            <CodeBlock code={STREAM} />
            <CodeBlock code={STREAM_OUTPUT} language="text" title="Output" copy={false} />

            <H3 id="live">Everything, live (WebSocket)</H3>
            <P>
              <Code>GET /v1/live</Code> is a WebSocket with every change in your organization, in one order for every
              client: <Code>task.created</Code>, <Code>task.updated</Code>, <Code>agent.status</Code>,{' '}
              <Code>run.step</Code>, <Code>message.created</Code>, <Code>approval.requested</Code>,{' '}
              <Code>usage.updated</Code>, <Code>usage.quota_warning</Code> (80% of the month&apos;s agent-minutes),{' '}
              <Code>usage.quota_reached</Code> and more, each as <Code>{'{"seq", "type", "at", "data"}'}</Code>. Keys
              need the <Code>live:read</Code> scope, and see each kind of event only with its read scope too:{' '}
              <Code>tasks:read</Code> for tasks and runs, <Code>usage:read</Code> for usage, and so on. Reconnect with{' '}
              <Code>?since=&lt;last seq&gt;</Code> to receive exactly what you missed; if the replay log no longer
              reaches back that far you get a <Code>resync</Code> frame and should refetch. Send{' '}
              <Code>{'{"type":"ping"}'}</Code> to keep the socket open.
            </P>
            <CodeBlock code={LIVE} language="js" title="live.mjs" />
            <Callout title="In the browser">
              Browsers cannot put a key in a WebSocket’s headers, and a key does not belong in a web page anyway.
              Connect from your server, or, on this site’s own pages, with the dashboard session:{' '}
              <Code>/v1/live?org=&lt;slug&gt;</Code>.
            </Callout>
          </DocSection>

          <DocSection id="errors" step={5} title="Errors and limits">
            <H3 id="error-envelope">The error envelope</H3>
            <P>
              Every error has the same shape and the right HTTP status, and every response carries an{' '}
              <Code>X-Request-Id</Code> header, also in the body as <Code>request_id</Code>. Branch on <Code>code</Code>
              , show <Code>message</Code>.
            </P>
            <CodeBlock code={ERROR} language="json" title="400 Bad Request" copy={false} />
            <DocTable
              caption="Error codes"
              head={['Status', 'Code', 'Meaning']}
              rows={Object.entries(STATUS_MEANINGS).map(([code, meaning]) => [
                <span key="status" className="font-mono">
                  {ERROR_STATUS[code as keyof typeof ERROR_STATUS]}
                </span>,
                <Code key="code">{code}</Code>,
                <InlineText key="meaning" text={meaning as string} />,
              ])}
            />

            <H3 id="rate-limits">Rate limits</H3>
            <P>
              Each key (and each signed-in user) may make a number of requests a minute, set by the plan. Every response
              says where you stand in <Code>X-RateLimit-Limit</Code>, <Code>X-RateLimit-Remaining</Code> and{' '}
              <Code>X-RateLimit-Reset</Code> (Unix seconds). Over the limit you get a <Code>429</Code> with{' '}
              <Code>Retry-After</Code>: wait that many seconds, then retry (with the same Idempotency-Key for POSTs).
            </P>
            <DocTable
              caption="Rate limits and live connections by plan"
              head={['Plan', 'Requests a minute, per key', 'Live connections, per organization']}
              rows={rateLimitPlans.map((plan) => [
                plan.name,
                formatLimit(plan.limits.apiRequestsPerMinute),
                formatLimit(plan.limits.liveConnections),
              ])}
            />
            <CodeBlock code={RATE_LIMITED} language="http" title="429 Too Many Requests" copy={false} />

            <H3 id="plan-limits">Plan limits</H3>
            <P>
              Limits are enforced as work is admitted, never by losing it. Going over a hard limit, such as creating an
              agent beyond the plan’s agent count or queueing more tasks than the plan lets wait, answers{' '}
              <Code>402</Code> (<Code>payment_required</Code> or <Code>quota_exceeded</Code>) with the limit and an
              upgrade link in <Code>details</Code>. Soft limits just make work wait: a task stays <Code>pending</Code>{' '}
              while every run slot is busy or the month’s agent-minutes are used up. See{' '}
              <TextLink href="/pricing">pricing</TextLink> for each plan’s numbers; the self-hosted edition has
              unlimited agents and agent-minutes, with ceilings kept against runaway work (10 concurrent runs, 100,000
              waiting tasks).
            </P>
          </DocSection>

          <DocSection id="model" step={6} title="The model">
            <P>
              A run uses, in order: your organization’s own Anthropic key, else the platform’s key, else the{' '}
              <strong className="font-semibold text-ink">simulated model</strong>. Every run records which (
              <Code>provider</Code>, <Code>simulated</Code>), and the dashboard shows it.
            </P>

            <H3 id="simulated-model">The simulated model</H3>
            <P>
              A deterministic local agent with the same tool loop as a real one: it plans, reports progress, delegates
              when the task names a teammate (<Code>@yuki</Code>, “ask Yuki”), calls a connected MCP tool the task names
              (<Code>tracker__search_issues</Code>), drafts an email for a person to approve when the task asks to email
              an address (“Email jane@example.com that …”), and finishes with a result. It makes demos and tests work
              offline, and these directives in a task’s description make failure paths reproducible:
            </P>
            <DocTable
              caption="Simulated model directives"
              head={['Directive', 'Effect']}
              rows={[
                [<Code key="d">[simulate:fail]</Code>, 'Every attempt fails; the task ends failed after its retries.'],
                [<Code key="d">[simulate:fail-once]</Code>, 'The first attempt fails, the retry succeeds.'],
                [
                  <Code key="d">[simulate:think=MS]</Code>,
                  'Waits MS milliseconds (up to 5000) before each turn, so you can watch it work.',
                ],
              ]}
            />
            <CodeBlock code={SIMULATE} />

            <H3 id="own-key">Bring your own Anthropic key</H3>
            <P>
              An owner or admin can give the organization its own Anthropic key in{' '}
              <strong className="font-semibold text-ink">Settings → Model key</strong>, optionally for some agents only,
              and test it before saving. It is encrypted (AES-GCM) and bound to your organization, and only its last
              four characters are ever shown again, in the dashboard, the API and the audit log.
            </P>

            <H3 id="approvals">Approvals for external drafts</H3>
            <P>
              Agents act only inside your organization. When one drafts something addressed outside it, such as an email
              to a customer, the task waits in <Code>awaiting_approval</Code> and an <Code>approval.requested</Code>{' '}
              event goes out. A person approves it (the task continues) or rejects it with a note (the task fails with
              that note), in the dashboard or through the API with the <Code>approvals:write</Code> scope:
            </P>
            <CodeBlock code={APPROVE} />
          </DocSection>

          <DocSection id="self-hosting" step={7} title="Self-hosting on your own Cloudflare account">
            <P>
              The self-hosted edition is the same code as the hosted product, free, with billing off and unlimited
              agents and agent-minutes. It runs on one Worker, a Durable Object per organization, D1, KV and a Queue in
              your account: you pay Cloudflare for what you use and your model provider for tokens. In short:
            </P>
            <List ordered>
              <li>
                Create the D1 database, the KV namespace and the three queues, and put their ids in{' '}
                <Code>wrangler.toml</Code>.
              </li>
              <li>
                Set the secret <Code>ENCRYPTION_KEY</Code> (optionally <Code>ANTHROPIC_API_KEY</Code>), and{' '}
                <Code>APP_ENV</Code> and <Code>APP_URL</Code> in <Code>[vars]</Code>.
              </li>
              <li>
                <Code>npm run deploy</Code> refuses an <Code>APP_ENV</Code> other than production, then builds, applies
                the migrations and deploys.
              </li>
            </List>
            <CodeBlock code={DEPLOY} title="Deploy" />
            <P>
              The README’s “Deploy to Cloudflare” and “Configuration” sections list every setting and explain key
              rotation. See also <TextLink href="/pricing#self-hosted">the self-hosted edition</TextLink>.
            </P>
          </DocSection>

          <section aria-labelledby="next-heading" className="mt-6 rounded-2xl border border-line bg-page-alt p-6">
            <h2 id="next-heading" className="text-lg font-semibold text-ink">
              Next
            </h2>
            <p className="mt-2 text-[15px] leading-7 text-ink-muted">
              Every endpoint, with its parameters, schemas and a curl example, is in the{' '}
              <Link
                to="/docs/api"
                className="font-medium text-accent-ink underline decoration-brand-500/30 underline-offset-2 hover:decoration-brand-500"
              >
                API reference
              </Link>
              .
            </p>
          </section>
        </div>
      </article>
    </DocsLayout>
  );
}
