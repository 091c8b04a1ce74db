import { track } from '../../../core/analytics';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { API_KEY_SCOPES, DEFAULT_SCOPES } from '../../../core/auth/api-keys';
import { getDb } from '../../../core/db/client';
import { ApiError } from '../../../core/errors';
import { CreateKeyInput, issueApiKey, listOrgApiKeys, revokeOrgApiKey } from '../../../core/org-admin';
import {
  Checkbox,
  FormAlert,
  SubmitButton,
  TextField,
  useIsSubmitting,
  useFocusFirstErrorOnPage,
} from '../../components/Form';
import { ConfirmAction } from '../../components/ConfirmAction';
import { EmptyState, Panel } from '../../components/PageHeader';
import { SecretReveal } from '../../components/SecretReveal';
import { Icon } from '../../components/Icon';
import { formatDate, formatDateTime } from '../../lib/format';
import { failureFromError, formFailure, optionalText, parseForm, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { clientIp } from '../../lib/request.server';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'API keys · Generic Corp', description: 'API keys of your organization.', noIndex: true });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  try {
    const rows = await listOrgApiKeys(getDb(env), member.ctx);
    const keys = rows.map(({ key, createdByName, createdByEmail }) => ({
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      scopes: key.scopes,
      createdBy: createdByName ?? createdByEmail ?? null,
      createdAt: key.createdAt,
      lastUsedAt: key.lastUsedAt,
      expiresAt: key.expiresAt,
    }));
    return {
      forbidden: null,
      keys,
      now: Date.now(),
      scopes: [...API_KEY_SCOPES] as string[],
      defaultScopes: DEFAULT_SCOPES as string[],
    };
  } catch (error) {
    // Core decides who may see keys; a role below admin gets an explanation, not a crash.
    if (error instanceof ApiError && error.status === 403)
      return {
        forbidden: error.message,
        keys: [],
        now: Date.now(),
        scopes: [] as string[],
        defaultScopes: [] as string[],
      };
    throw error;
  }
}

/** `<input type="date">` gives a day; the key works through the end of that day (UTC). */
function expiryFromDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59Z` : value;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const db = getDb(env);
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  const ip = clientIp(request);
  try {
    if (intent === 'create') {
      const values = {
        name: text(form, 'name'),
        scopes: form.getAll('scopes').map(String),
        expires_at: text(form, 'expires_at'),
      };
      const expiresAt = expiryFromDate(optionalText(form, 'expires_at'));
      const parsed = parseForm(
        CreateKeyInput,
        { name: values.name, scopes: values.scopes, ...(expiresAt ? { expires_at: expiresAt } : {}) },
        intent,
      );
      if (!parsed.ok) return { ...parsed.failure, values };
      const { key, record } = await issueApiKey(db, member.ctx, parsed.data, ip);
      await track(env, 'key_created', { org: member.ctx.orgId, actor: member.user.id });
      return { ok: true as const, intent, created: { key, name: record.name, prefix: record.prefix } };
    }
    if (intent === 'revoke') {
      const revoked = await revokeOrgApiKey(db, env, member.ctx, text(form, 'keyId'), ip);
      return {
        ok: true as const,
        intent,
        message: `Revoked “${revoked.name}” (${revoked.prefix}…). Requests with it are refused from now on.`,
      };
    }
    return formFailure(intent, 'Unknown action.');
  } catch (error) {
    return failureFromError(error, intent);
  }
}

export default function ApiKeysSettings() {
  const { forbidden, keys, now, scopes, defaultScopes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useFocusFirstErrorOnPage(result);
  const creating = useIsSubmitting('create');
  const revoking = useIsSubmitting('revoke');
  const createForm = useRef<HTMLFormElement>(null);

  const failed = result && !result.ok ? result : null;
  const createFailed = failed?.intent === 'create' ? failed : null;
  const previous = createFailed?.values ?? null;
  const created = result?.ok && 'created' in result ? result.created : null;
  const revokedNotice = result?.ok && 'message' in result ? result.message : null;
  const today = new Date(now).toISOString().slice(0, 10);

  useEffect(() => {
    if (created) createForm.current?.reset();
  }, [created]);

  if (forbidden) {
    return (
      <EmptyState title="API keys are managed by admins" icon={<Icon name="key" />}>
        {forbidden}
      </EmptyState>
    );
  }

  return (
    <div className="space-y-6">
      <Panel
        id="create-key"
        title="Create an API key"
        description={
          <>
            Keys call the public API as this organization, with{' '}
            <code className="rounded bg-page-alt px-1 py-0.5 font-mono text-[12px] text-ink">
              Authorization: Bearer gc_sk_…
            </code>
            . Give each integration its own key, with only the scopes it needs.
          </>
        }
      >
        <Form ref={createForm} method="post" noValidate className="space-y-5">
          <FormAlert message={createFailed?.formError} />
          <div className="grid gap-5 sm:grid-cols-2">
            <TextField
              label="Name"
              name="name"
              autoComplete="off"
              required
              placeholder="CI pipeline"
              defaultValue={previous?.name}
              hint="So you recognise it later."
              error={createFailed?.fieldErrors.name}
            />
            <TextField
              label={
                <>
                  Expires <span className="font-normal text-ink-faint">(optional)</span>
                </>
              }
              name="expires_at"
              type="date"
              min={today}
              defaultValue={previous?.expires_at}
              hint="The key stops working after this day (UTC). Leave empty for no expiry."
              error={createFailed?.fieldErrors.expires_at}
            />
          </div>
          <fieldset aria-describedby={createFailed?.fieldErrors.scopes ? 'scopes-error' : undefined}>
            <legend className="text-sm font-medium text-ink">Scopes</legend>
            <p className="mt-1 text-xs text-ink-faint">
              The defaults let a key read the team and give and follow tasks.
            </p>
            <div className="mt-3 grid gap-x-6 gap-y-2.5 sm:grid-cols-2 lg:grid-cols-3">
              {scopes.map((scope) => (
                <Checkbox
                  key={scope}
                  name="scopes"
                  value={scope}
                  label={<span className="font-mono text-[13px]">{scope}</span>}
                  defaultChecked={previous ? previous.scopes.includes(scope) : defaultScopes.includes(scope)}
                />
              ))}
            </div>
            {createFailed?.fieldErrors.scopes ? (
              <p id="scopes-error" className="mt-2 text-sm text-red-600 dark:text-red-400">
                {createFailed.fieldErrors.scopes}
              </p>
            ) : null}
          </fieldset>
          <div className="flex justify-end">
            <SubmitButton name="intent" value="create" pending={creating} pendingLabel="Creating…">
              Create key
            </SubmitButton>
          </div>
        </Form>
        {created ? (
          <div className="mt-5">
            <SecretReveal
              title={`Your new key “${created.name}”`}
              label="New API key"
              value={created.key}
              warning="Copy it now and keep it somewhere safe. It is shown only this once: we store only its hash and cannot show it again."
            />
          </div>
        ) : null}
      </Panel>

      <Panel
        id="keys"
        title="Active keys"
        description="Revoking a key refuses it at once here; other regions may accept it for up to about 75 seconds while caches expire."
      >
        {failed?.intent === 'revoke' ? <FormAlert message={failed.formError} className="mb-4" /> : null}
        {revokedNotice ? <FormAlert tone="success" message={revokedNotice} className="mb-4" /> : null}
        {keys.length === 0 ? (
          <p className="text-sm text-ink-muted">No active keys.</p>
        ) : (
          <ul className="-mx-5 -mb-5 divide-y divide-line border-t border-line sm:-mx-6 sm:-mb-6">
            {keys.map((key) => (
              <li key={key.id} className="px-5 py-4 sm:px-6">
                <div className="flex flex-wrap items-start gap-3">
                  <div className="min-w-0 flex-1">
                    <p className="text-sm font-semibold text-ink">{key.name}</p>
                    <p className="mt-0.5 font-mono text-xs text-ink-muted">{key.prefix}…</p>
                  </div>
                  <ConfirmAction
                    label="Revoke"
                    accessibleLabel={`Revoke ${key.name}`}
                    title={`Revoke “${key.name}”?`}
                    description="Anything using this key stops working. This cannot be undone."
                    confirmLabel="Revoke key"
                    intent="revoke"
                    fields={{ keyId: key.id }}
                    pending={revoking}
                  />
                </div>
                <ul aria-label={`Scopes of ${key.name}`} className="mt-2.5 flex flex-wrap gap-1.5">
                  {key.scopes.map((scope) => (
                    <li
                      key={scope}
                      className="rounded-md bg-page-alt px-1.5 py-0.5 font-mono text-[11px] text-ink-muted ring-1 ring-line ring-inset"
                    >
                      {scope}
                    </li>
                  ))}
                </ul>
                <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-xs sm:grid-cols-4">
                  <div>
                    <dt className="text-ink-faint">Created by</dt>
                    <dd className="truncate text-ink-muted">{key.createdBy ?? '—'}</dd>
                  </div>
                  <div>
                    <dt className="text-ink-faint">Created</dt>
                    <dd className="text-ink-muted">{formatDate(key.createdAt)}</dd>
                  </div>
                  <div>
                    <dt className="text-ink-faint">Last used</dt>
                    <dd className="text-ink-muted">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}</dd>
                  </div>
                  <div>
                    <dt className="text-ink-faint">Expires</dt>
                    <dd className="text-ink-muted">
                      {key.expiresAt
                        ? key.expiresAt <= now
                          ? `Expired ${formatDate(key.expiresAt)}`
                          : formatDate(key.expiresAt)
                        : 'Never'}
                    </dd>
                  </div>
                </dl>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}
