import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { isEmailVerified, sendVerificationEmail } from '../../../core/account-email';
import { loadConfig } from '../../../core/config';
import { getDb } from '../../../core/db/client';
import { ROLES } from '../../../core/vocabulary';
import {
  changeMemberRole,
  createInvitation,
  listInvitations,
  listMembers,
  removeMember,
  revokeInvitation,
} from '../../../core/members';
import { mailInvitation } from '../../../core/invitation-email';
import { InviteInput } from '../../../core/org-admin';
import { can } from '../../../core/permissions';
import { roleField } from '../../../core/validation';
import { ConfirmAction } from '../../components/ConfirmAction';
import {
  FormAlert,
  SelectField,
  SubmitButton,
  TextField,
  useIsSubmitting,
  useFocusFirstErrorOnPage,
} from '../../components/Form';
import { Panel } from '../../components/PageHeader';
import { SecretReveal } from '../../components/SecretReveal';
import { RoleBadge } from '../../components/StatusBadge';
import { formatDate, titleCase, withArticle } from '../../lib/format';
import { failureFromError, formFailure, parseForm, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { authLimits, enforceRateLimit } from '../../lib/rate-limit.server';
import { clientIp } from '../../lib/request.server';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Members · Generic Corp', description: 'Members and invitations.', noIndex: true });

const ROLE_HELP: Record<string, string> = {
  owner: 'Everything, including billing and deleting the organization.',
  admin: 'Members, API keys and settings.',
  member: 'Agents and tasks.',
  viewer: 'Read only.',
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const db = getDb(env);
  const member = await requireOrgMember(request, env, params.slug);
  const canManage = can(member.role, 'members:manage');
  const [members, invitations, emailConfirmed] = await Promise.all([
    listMembers(db, member.ctx),
    canManage ? listInvitations(db, member.ctx) : Promise.resolve([]),
    // Invitations are emailed only from a confirmed address: say so where they are made.
    canManage ? isEmailVerified(db, member.user.id) : Promise.resolve(true),
  ]);
  return {
    me: member.user.id,
    emailConfirmed,
    role: member.role,
    canManage,
    members,
    invitations,
    // Only an owner can make owners (core enforces it; the form just does not offer it).
    assignable: ROLES.filter((role) => role !== 'owner' || member.role === 'owner'),
    allRoles: ROLES,
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
    if (intent === 'resend-confirmation') {
      if (await isEmailVerified(db, member.user.id))
        return { ok: true as const, intent, message: 'Your email address is already confirmed.' };
      await enforceRateLimit(context, authLimits.accountEmailPerIp(ip));
      await enforceRateLimit(context, authLimits.accountEmailPerEmail(member.user.email));
      await sendVerificationEmail(db, env, loadConfig(env), member.user);
      return { ok: true as const, intent, message: `We sent a new confirmation link to ${member.user.email}.` };
    }
    if (intent === 'invite') {
      const parsed = parseForm(
        InviteInput,
        { email: text(form, 'email'), role: text(form, 'role') || undefined },
        intent,
      );
      if (!parsed.ok) return { ...parsed.failure, values: { email: text(form, 'email') } };
      const { invitation, token } = await createInvitation(db, member.ctx, parsed.data, ip);
      // Emailed when the inviter is verified; the link is shown once to the inviter either way.
      const url = new URL(`/invitations/${token}`, loadConfig(env).APP_URL).toString();
      const emailed = await mailInvitation(db, env, member.ctx, invitation, url);
      return {
        ok: true as const,
        intent,
        invitation: { email: invitation.email, role: invitation.role, url, emailed: emailed === 'sent' },
      };
    }
    if (intent === 'change-role') {
      const role = roleField.safeParse(text(form, 'role'));
      if (!role.success) return formFailure(intent, role.error.issues[0]?.message ?? 'Choose a role.');
      const changed = await changeMemberRole(db, env, member.ctx, text(form, 'userId'), role.data, ip);
      return { ok: true as const, intent, message: `${changed.name} is now ${withArticle(changed.role)}.` };
    }
    if (intent === 'remove') {
      await removeMember(db, env, member.ctx, text(form, 'userId'), ip);
      return { ok: true as const, intent, message: 'Member removed.' };
    }
    if (intent === 'revoke-invitation') {
      await revokeInvitation(db, member.ctx, text(form, 'invitationId'), ip);
      return { ok: true as const, intent, message: 'Invitation revoked.' };
    }
    return formFailure(intent, 'Unknown action.');
  } catch (error) {
    return failureFromError(error, intent);
  }
}

function initials(name: string) {
  const words = name.trim().split(/\s+/);
  return ((words[0]?.[0] ?? '?') + (words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

export default function MembersSettings() {
  const {
    me,
    emailConfirmed,
    role: myRole,
    canManage,
    members,
    invitations,
    assignable,
    allRoles,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useFocusFirstErrorOnPage(result);
  const inviting = useIsSubmitting('invite');
  // Whose role is being saved: only that row's button says so.
  const navigation = useNavigation();
  const changingRoleOf =
    navigation.state !== 'idle' && navigation.formData?.get('intent') === 'change-role'
      ? navigation.formData.get('userId')
      : null;
  const removing = useIsSubmitting('remove');
  const revoking = useIsSubmitting('revoke-invitation');
  const resending = useIsSubmitting('resend-confirmation');
  const inviteForm = useRef<HTMLFormElement>(null);

  const failed = result && !result.ok ? result : null;
  const invited = result?.ok && 'invitation' in result ? result.invitation : null;
  const notice = result?.ok && 'message' in result ? result.message : null;

  useEffect(() => {
    if (invited) inviteForm.current?.reset();
  }, [invited]);

  return (
    <div className="space-y-6">
      {canManage ? (
        <Panel
          id="invite"
          title="Invite a teammate"
          description="We email them a link to join once your own email address is confirmed, and show the link here to share as well. It works once and expires in 7 days."
        >
          {!emailConfirmed ? (
            <Form method="post" className="mb-4 flex flex-wrap items-center gap-3 rounded-lg bg-page-alt p-3 text-sm">
              <p className="text-ink-muted">
                Your email address is not confirmed yet, so invitations are not emailed: share their links yourself.
              </p>
              <SubmitButton
                name="intent"
                value="resend-confirmation"
                variant="secondary"
                size="sm"
                pending={resending}
                pendingLabel="Sending…"
              >
                Send me a new confirmation link
              </SubmitButton>
            </Form>
          ) : null}
          {notice && result?.intent === 'resend-confirmation' ? (
            <FormAlert tone="success" message={notice} className="mb-4" />
          ) : null}
          {failed?.intent === 'resend-confirmation' ? <FormAlert message={failed.formError} className="mb-4" /> : null}
          <Form ref={inviteForm} method="post" noValidate className="space-y-4">
            {failed?.intent === 'invite' ? <FormAlert message={failed.formError} /> : null}
            <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_180px_auto] sm:items-start">
              <TextField
                label="Email address"
                name="email"
                type="email"
                autoComplete="off"
                inputMode="email"
                required
                placeholder="teammate@company.com"
                defaultValue={failed?.intent === 'invite' ? failed.values?.email : undefined}
                error={failed?.intent === 'invite' ? failed.fieldErrors.email : undefined}
              />
              <SelectField
                label="Role"
                name="role"
                defaultValue="member"
                error={failed?.intent === 'invite' ? failed.fieldErrors.role : undefined}
              >
                {assignable.map((role) => (
                  <option key={role} value={role}>
                    {titleCase(role)}
                  </option>
                ))}
              </SelectField>
              <SubmitButton
                name="intent"
                value="invite"
                pending={inviting}
                pendingLabel="Creating…"
                className="sm:mt-7"
              >
                Create invitation
              </SubmitButton>
            </div>
            <p className="text-xs text-ink-faint">
              {assignable.map((role) => (
                <span key={role} className="mr-3 inline-block">
                  <span className="font-medium text-ink-muted">{titleCase(role)}:</span> {ROLE_HELP[role]}
                </span>
              ))}
            </p>
          </Form>
          {invited ? (
            <div className="mt-5">
              <SecretReveal
                title={`Invitation link for ${invited.email} (${invited.role})`}
                label="Invitation link"
                value={invited.url}
                warning={
                  invited.emailed
                    ? `We emailed this link to ${invited.email}. It is shown here only once; anyone with the link and that email address can join.`
                    : 'Confirm your own email address to have invitations emailed. Until then, copy this link and send it yourself: it is shown only once, and anyone with the link and that email address can join.'
                }
              />
            </div>
          ) : null}
        </Panel>
      ) : null}

      <Panel
        id="members"
        title="Members"
        description={`${members.length} ${members.length === 1 ? 'person has' : 'people have'} access to this organization.`}
      >
        {failed && failed.intent !== 'invite' && failed.intent !== 'revoke-invitation' ? (
          <FormAlert message={failed.formError} className="mb-4" />
        ) : null}
        {notice && (result?.intent === 'change-role' || result?.intent === 'remove') ? (
          <FormAlert tone="success" message={notice} className="mb-4" />
        ) : null}
        <ul className="-mx-5 -mb-5 divide-y divide-line border-t border-line sm:-mx-6 sm:-mb-6">
          {members.map((member) => {
            const isMe = member.user_id === me;
            const manageable = canManage && !isMe && (member.role !== 'owner' || myRole === 'owner');
            return (
              <li key={member.user_id} className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center sm:px-6">
                <div className="flex min-w-0 flex-1 items-center gap-3">
                  <span
                    aria-hidden="true"
                    className="inline-flex size-9 shrink-0 items-center justify-center rounded-full bg-slate-200 text-xs font-semibold text-slate-700 dark:bg-slate-700 dark:text-slate-100"
                  >
                    {initials(member.name)}
                  </span>
                  <div className="min-w-0">
                    <p className="truncate text-sm font-medium text-ink">
                      {member.name} {isMe ? <span className="font-normal text-ink-faint">(you)</span> : null}
                    </p>
                    <p className="truncate text-sm text-ink-muted">{member.email}</p>
                  </div>
                </div>
                <p className="text-xs text-ink-faint sm:w-32">Joined {formatDate(member.joined_at)}</p>
                {manageable ? (
                  <div className="flex items-center gap-2">
                    <Form method="post" className="flex items-center gap-2">
                      <input type="hidden" name="userId" value={member.user_id} />
                      <SelectField
                        hideLabel
                        label={`Role of ${member.name}`}
                        name="role"
                        defaultValue={member.role}
                        className="w-32"
                      >
                        {(member.role === 'owner' ? allRoles : assignable).map((role) => (
                          <option key={role} value={role}>
                            {titleCase(role)}
                          </option>
                        ))}
                      </SelectField>
                      <SubmitButton
                        name="intent"
                        value="change-role"
                        variant="secondary"
                        size="sm"
                        pending={changingRoleOf === member.user_id}
                        pendingLabel="Saving…"
                        aria-label={`Change ${member.name}’s role`}
                      >
                        Change
                      </SubmitButton>
                    </Form>
                    <ConfirmAction
                      label="Remove"
                      accessibleLabel={`Remove ${member.name}`}
                      title={`Remove ${member.name}?`}
                      description="They lose access to this organization at once. Their past work stays."
                      confirmLabel="Remove member"
                      intent="remove"
                      fields={{ userId: member.user_id }}
                      pending={removing}
                    />
                  </div>
                ) : (
                  <div className="sm:w-[248px] sm:text-right">
                    <RoleBadge role={member.role} />
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </Panel>

      {canManage ? (
        <Panel
          id="invitations"
          title="Pending invitations"
          description="Links that have not been used yet. Revoke one to make its link stop working."
        >
          {failed?.intent === 'revoke-invitation' ? <FormAlert message={failed.formError} className="mb-4" /> : null}
          {notice && result?.intent === 'revoke-invitation' ? (
            <FormAlert tone="success" message={notice} className="mb-4" />
          ) : null}
          {invitations.length === 0 ? (
            <p className="text-sm text-ink-muted">No pending invitations.</p>
          ) : (
            <ul className="-mx-5 -mb-5 divide-y divide-line border-t border-line sm:-mx-6 sm:-mb-6">
              {invitations.map((invitation) => (
                <li key={invitation.id} className="flex flex-wrap items-center gap-3 px-5 py-3.5 sm:px-6">
                  <div className="min-w-0 flex-1">
                    <p className="truncate text-sm font-medium text-ink">{invitation.email}</p>
                    <p className="text-xs text-ink-faint">Expires {formatDate(invitation.expires_at)}</p>
                  </div>
                  <RoleBadge role={invitation.role} />
                  <ConfirmAction
                    label="Revoke"
                    accessibleLabel={`Revoke invitation for ${invitation.email}`}
                    title="Revoke this invitation?"
                    description={`The link sent to ${invitation.email} will stop working.`}
                    confirmLabel="Revoke invitation"
                    intent="revoke-invitation"
                    fields={{ invitationId: invitation.id }}
                    pending={revoking}
                  />
                </li>
              ))}
            </ul>
          )}
        </Panel>
      ) : null}
    </div>
  );
}
