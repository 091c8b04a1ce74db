/**
 * Settings → Connections: the org's MCP servers (decision 015). Admins add one (URL, a bearer
 * token or OAuth client credentials, optional header), test it, see its tools with their
 * default policy, and remove it. Secrets go in and never come back: only their last four.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { ConnectionInput, mcpConnectLimit } from '../../../core/mcp/connections';
import { can } from '../../../core/permissions';
import { Badge } from '../../components/Badge';
import { ConfirmAction } from '../../components/ConfirmAction';
import {
  FormAlert,
  SelectField,
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
import { hubFor } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Connections · Generic Corp', description: 'MCP servers your agents can use.', noIndex: true });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  if (!can(member.role, 'connections:read'))
    return { forbidden: 'Connections are visible to members and above.', connections: [], tools: [], canManage: false };
  const hub = hubFor(env, member, 'connections:read');
  const [{ data: connections }, catalog] = await Promise.all([hub.listConnections(), hub.toolCatalog()]);
  return { forbidden: null, connections, tools: catalog.mcp, canManage: can(member.role, 'connections:manage') };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  try {
    const hub = hubFor(env, member, 'connections:manage');
    if (intent === 'create') {
      const authType = text(form, 'auth_type') || 'none';
      const headerName = optionalText(form, 'header_name');
      const timeout = optionalText(form, 'timeout_ms');
      const parsed = parseForm(
        ConnectionInput,
        {
          name: text(form, 'name'),
          slug: optionalText(form, 'slug'),
          url: text(form, 'url'),
          auth:
            authType === 'bearer'
              ? { type: 'bearer', token: text(form, 'token') }
              : authType === 'oauth_client_credentials'
                ? {
                    type: 'oauth_client_credentials',
                    client_id: text(form, 'client_id'),
                    client_secret: text(form, 'client_secret'),
                    issuer: text(form, 'issuer'),
                    scope: optionalText(form, 'scope'),
                  }
                : { type: 'none' },
          headers: headerName ? { [headerName]: text(form, 'header_value') } : undefined,
          timeout_ms: timeout ? Number(timeout) : undefined,
        },
        intent,
      );
      if (!parsed.ok) return parsed.failure;
      // Adding one connects to it at once (its first listing): the same allowance as a test.
      await enforceRateLimit(context, mcpConnectLimit(member.ctx.orgId));
      const created = await hub.createConnection(parsed.data);
      // A first listing right away, so the tools show (a failure is shown, the connection stays).
      const test = await hub.testConnection(created.id);
      return { ok: true as const, intent, message: `Added ${created.name}. ${test.message}`, testOk: test.ok };
    }
    if (intent === 'test') {
      // The same per-org allowance as POST /v1/connections/:id/test.
      await enforceRateLimit(context, mcpConnectLimit(member.ctx.orgId));
      const test = await hub.testConnection(text(form, 'id'));
      return { ok: true as const, intent, message: test.message, testOk: test.ok };
    }
    if (intent === 'delete') {
      await hub.deleteConnection(text(form, 'id'));
      return {
        ok: true as const,
        intent,
        message: 'Removed the connection; its tools are no longer offered.',
        testOk: true,
      };
    }
    return formFailure(intent, 'Unknown action.');
  } catch (error) {
    return failureFromError(error, intent);
  }
}

const AUTH_LABEL = { none: 'No auth', bearer: 'Bearer token', oauth_client_credentials: 'OAuth client credentials' };

export default function ConnectionsSettings() {
  const { forbidden, connections, tools, canManage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useFocusFirstErrorOnPage(result);
  const creating = useIsSubmitting('create');
  const testing = useIsSubmitting('test');
  const deleting = useIsSubmitting('delete');
  const [authType, setAuthType] = useState('bearer');
  const formRef = useRef<HTMLFormElement>(null);
  const failed = result && !result.ok ? result : null;
  const notice = result?.ok ? result : null;
  const createErrors = failed?.intent === 'create' ? failed : null;

  useEffect(() => {
    // Secrets leave the page's memory once saved.
    if (notice?.intent === 'create') formRef.current?.reset();
  }, [notice]);

  if (forbidden) return <EmptyState title="Connections">{forbidden}</EmptyState>;

  return (
    <div className="space-y-6">
      <Panel
        id="connections"
        title="MCP connections"
        description="Remote MCP servers (streamable HTTP) whose tools your agents can use. Read-only tools run on their own; tools that may write wait for a person’s approval unless you change an agent’s policy on its page."
      >
        <div className="space-y-4">
          {notice && notice.intent !== 'create' ? (
            <FormAlert tone={notice.testOk ? 'success' : 'error'} message={notice.message} />
          ) : null}
          {failed && failed.intent !== 'create' ? <FormAlert message={failed.formError} /> : null}
          {connections.length === 0 ? (
            <p className="text-sm text-ink-muted">No connections yet.</p>
          ) : (
            <ul className="divide-y divide-line rounded-xl border border-line" aria-label="Connections">
              {connections.map((connection) => {
                const own = tools.filter((tool) => tool.connection === connection.slug);
                return (
                  <li key={connection.id} className="space-y-3 p-4" data-testid={`connection-${connection.slug}`}>
                    <div className="flex flex-wrap items-start justify-between gap-3">
                      <div className="min-w-0">
                        <p className="font-medium text-ink">
                          {connection.name} <span className="font-mono text-xs text-ink-faint">{connection.slug}</span>
                        </p>
                        <p className="truncate font-mono text-xs text-ink-muted">{connection.url}</p>
                        <p className="mt-1 text-xs text-ink-faint">
                          {AUTH_LABEL[connection.auth_type]}
                          {connection.secret_last4 ? ` …${connection.secret_last4}` : ''}
                          {connection.header_names.length ? ` · headers: ${connection.header_names.join(', ')}` : ''}
                          {` · timeout ${connection.timeout_ms / 1000} s`}
                          {connection.tools_listed_at
                            ? ` · tools listed ${formatDateTime(Date.parse(connection.tools_listed_at))}`
                            : ''}
                        </p>
                        {connection.last_error ? (
                          <p className="mt-1 text-xs text-red-600 dark:text-red-400">{connection.last_error}</p>
                        ) : null}
                      </div>
                      {canManage ? (
                        <div className="flex gap-2">
                          <Form method="post">
                            <input type="hidden" name="id" value={connection.id} />
                            <SubmitButton
                              name="intent"
                              value="test"
                              variant="secondary"
                              size="sm"
                              pending={testing}
                              pendingLabel="Testing…"
                              aria-label={`Test ${connection.name}`}
                            >
                              Test
                            </SubmitButton>
                          </Form>
                          <ConfirmAction
                            label="Remove"
                            accessibleLabel={`Remove ${connection.name}`}
                            title={`Remove ${connection.name}?`}
                            description="Its tools stop being offered to agents at once."
                            confirmLabel="Remove"
                            intent="delete"
                            fields={{ id: connection.id }}
                            pending={deleting}
                          />
                        </div>
                      ) : null}
                    </div>
                    {own.length ? (
                      <ul className="grid gap-1.5 sm:grid-cols-2" aria-label={`Tools of ${connection.name}`}>
                        {own.map((tool) => (
                          <li key={tool.name} className="rounded-lg bg-page-alt px-3 py-2 text-xs">
                            <span className="font-mono text-ink">{tool.name}</span>{' '}
                            <Badge tone={tool.read_only ? 'success' : 'neutral'}>
                              {tool.read_only ? 'read-only' : 'writes'}
                            </Badge>{' '}
                            <span className="text-ink-faint">default: {tool.default_policy}</span>
                            <span className="mt-0.5 block text-ink-muted">{tool.description}</span>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      </Panel>

      {canManage ? (
        <Form ref={formRef} method="post" noValidate autoComplete="off">
          <Panel
            id="add-connection"
            title="Add a connection"
            description="The server must be reachable on the internet over https. Tokens and header values are encrypted before they are stored and never shown again."
            footer={
              <SubmitButton name="intent" value="create" pending={creating} pendingLabel="Adding…">
                <Icon name="plus" className="size-4" /> Add connection
              </SubmitButton>
            }
          >
            <div className="grid max-w-2xl gap-5 sm:grid-cols-2">
              <div className="sm:col-span-2">
                <FormAlert message={createErrors?.formError} />
                {notice?.intent === 'create' ? (
                  <FormAlert tone={notice.testOk ? 'success' : 'error'} message={notice.message} />
                ) : null}
              </div>
              <TextField label="Name" name="name" placeholder="Issue tracker" error={createErrors?.fieldErrors.name} />
              <TextField
                label="Slug (tool prefix)"
                name="slug"
                placeholder="tracker"
                hint="Tools are named slug__tool. Derived from the name when empty."
                error={createErrors?.fieldErrors.slug}
              />
              <TextField
                className="sm:col-span-2"
                label="Server URL"
                name="url"
                type="url"
                placeholder="https://mcp.example.com/mcp"
                error={createErrors?.fieldErrors.url}
              />
              <SelectField
                label="Authentication"
                name="auth_type"
                value={authType}
                onChange={(event) => setAuthType(event.target.value)}
              >
                <option value="bearer">Bearer token</option>
                <option value="oauth_client_credentials">OAuth client credentials</option>
                <option value="none">None</option>
              </SelectField>
              <TextField
                label="Timeout per call (ms)"
                name="timeout_ms"
                type="number"
                placeholder="20000"
                error={createErrors?.fieldErrors.timeout_ms}
              />
              {authType === 'bearer' ? (
                <TextField
                  className="sm:col-span-2"
                  label="Token"
                  name="token"
                  type="password"
                  autoComplete="off"
                  error={createErrors?.fieldErrors.auth}
                />
              ) : null}
              {authType === 'oauth_client_credentials' ? (
                <>
                  <TextField label="Client id" name="client_id" error={createErrors?.fieldErrors.auth} />
                  <TextField label="Client secret" name="client_secret" type="password" autoComplete="off" />
                  <TextField label="Authorization server (issuer)" name="issuer" type="url" />
                  <TextField label="Scope" name="scope" />
                </>
              ) : null}
              <TextField label="Extra header (optional)" name="header_name" placeholder="X-Workspace" />
              <TextField
                label="Header value"
                name="header_value"
                type="password"
                autoComplete="off"
                error={createErrors?.fieldErrors.headers}
              />
            </div>
          </Panel>
        </Form>
      ) : null}
    </div>
  );
}
