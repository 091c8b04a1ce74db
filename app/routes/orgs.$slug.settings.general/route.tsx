import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { getDb } from '../../../core/db/client';
import { otherOwners, removeMember } from '../../../core/members';
import { UpdateOrgInput } from '../../../core/org-admin';
import { deleteOrganization, updateOrganization } from '../../../core/orgs';
import { can } from '../../../core/permissions';
import { ConfirmAction } from '../../components/ConfirmAction';
import { FormAlert, SubmitButton, TextField, useIsSubmitting, useFocusFirstErrorOnPage } from '../../components/Form';
import { Panel } from '../../components/PageHeader';
import { failureFromError, formFailure, parseForm, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { useHydrated } from '../../lib/use-hydrated';
import { clientIp } from '../../lib/request.server';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'General settings · Generic Corp', description: 'Organization settings.', noIndex: true });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const others = member.role === 'owner' ? await otherOwners(getDb(env), member.organization.id, member.user.id) : 0;
  return {
    org: { name: member.organization.name, slug: member.organization.slug },
    role: member.role,
    canUpdate: can(member.role, 'org:update'),
    canDelete: can(member.role, 'org:delete'),
    // The last owner cannot leave (core refuses it too): they hand over ownership or delete the org.
    canLeave: member.role !== 'owner' || others > 0,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const db = getDb(env);
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  const ip = clientIp(request);
  try {
    if (intent === 'rename') {
      const parsed = parseForm(UpdateOrgInput, { name: text(form, 'name'), slug: text(form, 'slug') }, intent);
      if (!parsed.ok) return parsed.failure;
      const updated = await updateOrganization(db, env, member.ctx, parsed.data, ip);
      if (updated.slug !== member.organization.slug) return redirect(`/orgs/${updated.slug}/settings/general`);
      return { ok: true as const, intent, message: 'Saved.' };
    }
    if (intent === 'delete') {
      if (text(form, 'confirm').trim() !== member.organization.slug) {
        return formFailure(intent, null, { confirm: `Type ${member.organization.slug} to confirm.` });
      }
      await deleteOrganization(db, env, member.ctx, ip);
      return redirect('/orgs?gone=deleted');
    }
    if (intent === 'leave') {
      await removeMember(db, env, member.ctx, member.user.id, ip);
      return redirect('/orgs?gone=left');
    }
    return formFailure(intent, 'Unknown action.');
  } catch (error) {
    return failureFromError(error, intent);
  }
}

export default function GeneralSettings() {
  const { org, role, canUpdate, canDelete, canLeave } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useFocusFirstErrorOnPage(result);
  const renaming = useIsSubmitting('rename');
  const deleting = useIsSubmitting('delete');
  const leaving = useIsSubmitting('leave');
  const [confirmText, setConfirmText] = useState('');
  // Before hydration the button stays usable (the server checks the confirmation either way).
  const hydrated = useHydrated();
  const failed = result && !result.ok ? result : null;
  const errorsFor = (intent: string) => (failed?.intent === intent ? failed : null);

  return (
    <div className="space-y-6">
      {canUpdate ? (
        <Form method="post" noValidate>
          <Panel
            id="org-details"
            title="Organization details"
            description="The name your team sees, and the slug in your dashboard's address."
            footer={
              <SubmitButton name="intent" value="rename" pending={renaming} pendingLabel="Saving…">
                Save changes
              </SubmitButton>
            }
          >
            <div className="grid max-w-xl gap-5">
              <FormAlert message={errorsFor('rename')?.formError} />
              {result?.ok && result.intent === 'rename' ? <FormAlert tone="success" message={result.message} /> : null}
              <TextField
                label="Organization name"
                name="name"
                autoComplete="organization"
                required
                defaultValue={org.name}
                error={errorsFor('rename')?.fieldErrors.name}
              />
              <TextField
                label="URL slug"
                name="slug"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                required
                defaultValue={org.slug}
                hint="Changing it changes the dashboard's address; old links stop working. API keys are not affected."
                error={errorsFor('rename')?.fieldErrors.slug}
              />
            </div>
          </Panel>
        </Form>
      ) : (
        <Panel
          id="org-details"
          title="Organization details"
          description="Only admins and owners can rename the organization or change its slug."
        >
          <dl className="grid max-w-xl gap-4 text-sm sm:grid-cols-2">
            <div>
              <dt className="text-ink-faint">Name</dt>
              <dd className="mt-0.5 font-medium text-ink">{org.name}</dd>
            </div>
            <div>
              <dt className="text-ink-faint">Slug</dt>
              <dd className="mt-0.5 font-mono text-ink">{org.slug}</dd>
            </div>
          </dl>
        </Panel>
      )}

      <Panel
        id="leave-org"
        title="Leave organization"
        description={
          canLeave
            ? `You will lose access to ${org.name} until someone invites you again.`
            : 'You are the only owner. Make another member an owner first, or delete the organization.'
        }
        footer={
          canLeave ? (
            <ConfirmAction
              label={`Leave ${org.name}`}
              title={`Leave ${org.name}?`}
              description="You lose access at once, until someone invites you again."
              confirmLabel="Leave organization"
              intent="leave"
              fields={{}}
              pending={leaving}
            />
          ) : null
        }
      >
        {errorsFor('leave')?.formError ? <FormAlert message={errorsFor('leave')?.formError} /> : null}
      </Panel>

      {canDelete ? (
        <Form method="post" noValidate>
          <Panel
            id="danger-zone"
            tone="danger"
            title="Delete organization"
            description={`Deletes ${org.name} for everyone: its agents, tasks, members and API keys. Keys stop working at once. This cannot be undone.`}
            footer={
              <SubmitButton
                name="intent"
                value="delete"
                variant="danger"
                pending={deleting}
                pendingLabel="Deleting…"
                disabled={hydrated && confirmText.trim() !== org.slug}
              >
                Delete this organization
              </SubmitButton>
            }
          >
            <div className="max-w-xl space-y-4">
              <FormAlert message={errorsFor('delete')?.formError} />
              <TextField
                label={
                  <>
                    Type <span className="font-mono font-semibold">{org.slug}</span> to confirm
                  </>
                }
                name="confirm"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                value={confirmText}
                onChange={(event) => setConfirmText(event.currentTarget.value)}
                error={errorsFor('delete')?.fieldErrors.confirm}
              />
            </div>
          </Panel>
        </Form>
      ) : null}
      <p className="text-xs text-ink-faint">
        Your role here: <span className="font-medium capitalize text-ink-muted">{role}</span>.
      </p>
    </div>
  );
}
