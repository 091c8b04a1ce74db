import { track } from '../../../core/analytics';
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, useLoaderData } from '@remix-run/react';
import { loadConfig } from '../../../core/config';
import { getDb } from '../../../core/db/client';
import { CreateOrgInput, createOrganizationAs } from '../../../core/org-admin';
import { listMemberships } from '../../../core/orgs';
import { AuthLayout, TextLink } from '../../components/AuthLayout';
import { OrgGoneNotice } from '../../components/OrgGoneNotice';
import { FormAlert, SubmitButton, TextField, useActionForm } from '../../components/Form';
import { failureFromError, optionalText, parseForm, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { clientIp } from '../../lib/request.server';
import { requireUser } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({
    title: 'Create your organization · Generic Corp',
    description: 'Create an organization and meet its team of agents.',
    noIndex: true,
  });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const { user } = await requireUser(request, env);
  const memberships = await listMemberships(getDb(env), user.id);
  return { hasOrgs: memberships.length > 0 };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const { user } = await requireUser(request, env);
  const form = await readFormData(request);
  const values = { name: text(form, 'name'), slug: text(form, 'slug') };
  const slug = optionalText(form, 'slug');
  const parsed = parseForm(CreateOrgInput, { name: values.name, ...(slug ? { slug } : {}) });
  if (!parsed.ok) return { ...parsed.failure, values };
  try {
    const org = await createOrganizationAs(
      getDb(env),
      env.KV,
      loadConfig(env),
      user.id,
      parsed.data,
      clientIp(request),
    );
    await track(env, 'org_created', { org: org.id, actor: user.id });
    return redirect(`/orgs/${org.slug}`);
  } catch (error) {
    return { ...failureFromError(error), values };
  }
}

export default function NewOrganization() {
  const { hasOrgs } = useLoaderData<typeof loader>();
  const { result, pending, formRef, errors } = useActionForm<typeof action>();

  return (
    <AuthLayout
      eyebrow="Step 1 · Your organization"
      title="Create your organization"
      description="An organization holds your team of agents, their tasks, your members and API keys. It starts with the default team of five."
      footer={
        hasOrgs ? (
          <TextLink to="/orgs">Back to your organizations</TextLink>
        ) : (
          // With no organization there is nowhere else to go: offer the way out.
          <Form method="post" action="/logout">
            <button type="submit" className="rounded font-medium text-accent-ink underline-offset-4 hover:underline">
              Sign out
            </button>
          </Form>
        )
      }
    >
      <Form ref={formRef} method="post" noValidate className="space-y-5">
        <OrgGoneNotice />
        <FormAlert message={result?.formError} />
        <TextField
          label="Organization name"
          name="name"
          autoComplete="organization"
          required
          placeholder="Acme Inc"
          defaultValue={result?.values.name}
          error={errors.name}
        />
        <TextField
          label={
            <>
              URL slug <span className="font-normal text-ink-faint">(optional)</span>
            </>
          }
          name="slug"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          placeholder="acme"
          defaultValue={result?.values.slug}
          hint="Lowercase letters, digits and dashes. Left empty, it is made from the name; if it is taken, a number is added."
          error={errors.slug}
        />
        <SubmitButton pending={pending} pendingLabel="Creating…" size="lg" className="w-full">
          Create organization
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
