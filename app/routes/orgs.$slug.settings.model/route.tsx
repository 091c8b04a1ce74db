import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { loadConfig } from '../../../core/config';
import {
  AnthropicKeyInput,
  deleteAnthropicKey,
  getCredentialStatus,
  KEY_TEST_RATE_LIMIT,
  keyTestBucket,
  platformFallback,
  setAnthropicKey,
  testOrgAnthropicKey,
} from '../../../core/credentials';
import { getDb } from '../../../core/db/client';
import { ApiError } from '../../../core/errors';
import { requirePermission } from '../../../core/permissions';
import { Badge } from '../../components/Badge';
import { ConfirmAction } from '../../components/ConfirmAction';
import {
  Checkbox,
  FormAlert,
  SubmitButton,
  TextField,
  useIsSubmitting,
  useFocusFirstErrorOnPage,
} from '../../components/Form';
import { Icon } from '../../components/Icon';
import { EmptyState, Panel } from '../../components/PageHeader';
import { formatDateTime } from '../../lib/format';
import { failureFromError, formFailure, optionalText, parseForm, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { enforceRateLimit } from '../../lib/rate-limit.server';
import { clientIp } from '../../lib/request.server';
import { hubFor } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Model key · Generic Corp', description: 'The Anthropic key your agents use.', noIndex: true });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const db = getDb(env);
  const member = await requireOrgMember(request, env, params.slug);
  const fallback = platformFallback(loadConfig(env));
  try {
    const status = await getCredentialStatus(db, member.ctx);
    const agents = (await hubFor(env, member).read.agents({})).map((agent) => ({
      id: agent.id,
      slug: agent.slug,
      name: agent.name,
      role: agent.role,
    }));
    return { forbidden: null, status, fallback, agents };
  } catch (error) {
    // Core decides who may see the model key; a role below admin gets an explanation.
    if (error instanceof ApiError && error.status === 403)
      return { forbidden: error.message, status: null, fallback, agents: [] };
    throw error;
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const db = getDb(env);
  const config = loadConfig(env);
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  const ip = clientIp(request);
  try {
    if (intent === 'save') {
      const allowed = form.getAll('allowed_agents').map(String);
      // The key is never sent back to the page, not even on a failed save.
      const parsed = parseForm(
        AnthropicKeyInput,
        { api_key: text(form, 'api_key'), allowed_agents: allowed.length > 0 ? allowed : null },
        intent,
      );
      if (!parsed.ok) return parsed.failure;
      const hub = hubFor(env, member, 'credentials:manage');
      const status = await setAnthropicKey(db, config, member.ctx, parsed.data, ip, await hub.read.agents({}));
      await hub.credentialsChanged();
      return {
        ok: true as const,
        intent,
        message: `Saved. Agents now run on your Anthropic key ending in …${status.last4}.`,
      };
    }
    if (intent === 'test') {
      requirePermission(member.ctx.role, 'credentials:manage');
      await enforceRateLimit(context, { bucket: keyTestBucket(member.ctx.orgId), rule: KEY_TEST_RATE_LIMIT });
      const result = await testOrgAnthropicKey(db, config, member.ctx, optionalText(form, 'api_key'));
      return { ok: true as const, intent, test: result };
    }
    if (intent === 'remove') {
      await deleteAnthropicKey(db, member.ctx, ip);
      await hubFor(env, member, 'credentials:manage').credentialsChanged();
      const fallback = platformFallback(config) === 'platform' ? 'the platform key' : 'the simulated model';
      return { ok: true as const, intent, message: `Removed your key. Agents now run on ${fallback}.` };
    }
    return formFailure(intent, 'Unknown action.');
  } catch (error) {
    return failureFromError(error, intent);
  }
}

type Source = 'org' | 'platform' | 'simulated';

const SOURCE_LABEL: Record<Source, string> = {
  org: 'Your own key',
  platform: 'Platform key',
  simulated: 'Simulated model',
};

function SourceBadge({ source }: { source: Source }) {
  return (
    <Badge tone={source === 'org' ? 'success' : source === 'platform' ? 'brand' : 'neutral'}>
      <Icon name={source === 'simulated' ? 'sparkles' : 'key'} className="size-3.5" />
      {SOURCE_LABEL[source]}
    </Badge>
  );
}

function fallbackSentence(fallback: 'platform' | 'simulated'): string {
  return fallback === 'platform'
    ? 'Generic Corp’s platform Anthropic key.'
    : 'the simulated model: a deterministic local stand-in that drives the same tools, so tasks complete, but nothing it writes comes from a real model.';
}

export default function ModelKeySettings() {
  const { forbidden, status, fallback, agents } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useFocusFirstErrorOnPage(result);
  const saving = useIsSubmitting('save');
  const testing = useIsSubmitting('test');
  const removing = useIsSubmitting('remove');
  const keyForm = useRef<HTMLFormElement>(null);

  const failed = result && !result.ok ? result : null;
  const errorsFor = (intent: string) => (failed?.intent === intent ? failed : null);
  const notice = result?.ok && 'message' in result ? result : null;
  const test = result?.ok && 'test' in result ? result.test : null;

  useEffect(() => {
    // A saved key leaves the page's memory too: clear the password field.
    if (notice?.intent === 'save') keyForm.current?.reset();
  }, [notice]);

  if (forbidden || !status) {
    return (
      <EmptyState title="The model key is managed by admins" icon={<Icon name="key" />}>
        {forbidden}
      </EmptyState>
    );
  }

  const source: Source = status.configured ? 'org' : fallback;
  const allowedIds = status.allowed_agent_ids;
  const allowedNames = allowedIds
    ? agents.filter((agent) => allowedIds.includes(agent.id)).map((agent) => agent.name)
    : null;

  return (
    <div className="space-y-6">
      <Panel
        id="model-source"
        title="Which model your agents use"
        description="Runs use your organization’s own Anthropic key when one is set, else the platform’s key, else the simulated model."
      >
        <div className="space-y-4">
          {notice && notice.intent === 'remove' ? <FormAlert tone="success" message={notice.message} /> : null}
          {errorsFor('remove')?.formError ? <FormAlert message={errorsFor('remove')?.formError} /> : null}
          <div className="flex flex-wrap items-center gap-3">
            <SourceBadge source={source} />
            {status.configured ? (
              <span className="text-sm text-ink">
                Anthropic key ending in <span className="font-mono font-semibold">…{status.last4}</span>
              </span>
            ) : null}
          </div>
          {status.configured ? (
            <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-3">
              <div>
                <dt className="text-ink-faint">Used by</dt>
                <dd className="text-ink-muted">
                  {allowedNames
                    ? allowedNames.length > 0
                      ? allowedNames.join(', ')
                      : 'No current agent'
                    : 'All agents'}
                </dd>
              </div>
              <div>
                <dt className="text-ink-faint">Set by</dt>
                <dd className="truncate text-ink-muted">
                  {status.updated_by?.name ?? status.updated_by?.email ?? '—'}
                </dd>
              </div>
              <div>
                <dt className="text-ink-faint">Set</dt>
                <dd className="text-ink-muted">
                  {status.updated_at ? formatDateTime(Date.parse(status.updated_at)) : '—'}
                </dd>
              </div>
            </dl>
          ) : null}
          <p className="text-sm leading-relaxed text-ink-muted">
            {status.configured
              ? allowedIds
                ? `Other agents run on ${fallbackSentence(fallback)}`
                : 'Every agent runs on this key; usage is billed to your Anthropic account.'
              : `Agents run on ${fallbackSentence(fallback)}`}
          </p>
        </div>
      </Panel>

      <Form ref={keyForm} method="post" noValidate autoComplete="off">
        <Panel
          id="set-key"
          title={status.configured ? 'Replace your Anthropic key' : 'Use your own Anthropic key'}
          description={
            <>
              Create a key in the Anthropic Console and paste it here. It is encrypted before it is stored and never
              shown again: only its last four characters are.
            </>
          }
          footer={
            // Save comes first in the markup so Enter saves; it shows on the right.
            <div className="flex flex-row-reverse flex-wrap gap-3">
              <SubmitButton name="intent" value="save" pending={saving} pendingLabel="Saving…">
                {status.configured ? 'Replace key' : 'Save key'}
              </SubmitButton>
              <SubmitButton name="intent" value="test" variant="secondary" pending={testing} pendingLabel="Testing…">
                Test key
              </SubmitButton>
            </div>
          }
        >
          <div className="max-w-xl space-y-5">
            <FormAlert message={errorsFor('save')?.formError ?? errorsFor('test')?.formError} />
            {notice && notice.intent === 'save' ? <FormAlert tone="success" message={notice.message} /> : null}
            {test ? <FormAlert tone={test.ok ? 'success' : 'error'} message={test.message} /> : null}
            <TextField
              label="Anthropic API key"
              name="api_key"
              type="password"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              placeholder={status.configured ? `sk-ant-…${status.last4}` : 'sk-ant-…'}
              hint={
                status.configured
                  ? '“Test key” with this field empty tests the saved key.'
                  : 'Starts with sk-ant-. “Test key” checks it with Anthropic without saving it.'
              }
              error={errorsFor('save')?.fieldErrors.api_key}
            />
            {agents.length > 0 ? (
              <fieldset aria-describedby="allowed-agents-hint">
                <legend className="text-sm font-medium text-ink">Agents that may use it</legend>
                <p id="allowed-agents-hint" className="mt-1 text-xs text-ink-faint">
                  Leave all unchecked to let every agent use it. Unchecked agents run on{' '}
                  {fallback === 'platform' ? 'the platform key' : 'the simulated model'}.
                </p>
                <div className="mt-3 grid gap-x-6 gap-y-2.5 sm:grid-cols-2">
                  {agents.map((agent) => (
                    <Checkbox
                      key={agent.id}
                      name="allowed_agents"
                      value={agent.id}
                      label={agent.name}
                      hint={agent.role}
                      defaultChecked={allowedIds?.includes(agent.id) ?? false}
                    />
                  ))}
                </div>
                {errorsFor('save')?.fieldErrors.allowed_agents ? (
                  <p className="mt-2 text-sm text-red-600 dark:text-red-400">
                    {errorsFor('save')?.fieldErrors.allowed_agents}
                  </p>
                ) : null}
              </fieldset>
            ) : null}
          </div>
        </Panel>
      </Form>

      {status.configured ? (
        <Panel
          id="remove-key"
          tone="danger"
          title="Remove your key"
          description={`Deletes the stored key. Agents go back to ${fallback === 'platform' ? 'the platform key' : 'the simulated model'} from their next run.`}
          footer={
            <ConfirmAction
              label="Remove key"
              title="Remove your Anthropic key?"
              description={`Agents switch to ${fallback === 'platform' ? 'the platform key' : 'the simulated model'}. You can add a key again at any time.`}
              confirmLabel="Remove key"
              intent="remove"
              fields={{}}
              pending={removing}
            />
          }
        />
      ) : null}
    </div>
  );
}
