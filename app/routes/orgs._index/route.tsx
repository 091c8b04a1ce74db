import { type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { getDb } from '../../../core/db/client';
import { listMemberships } from '../../../core/orgs';
import { AuthLayout } from '../../components/AuthLayout';
import { ButtonLink } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { OrgGoneNotice, withGone } from '../../components/OrgGoneNotice';
import { RoleBadge } from '../../components/StatusBadge';
import { pageMeta } from '../../lib/meta';
import { requireUser } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Your organizations · Generic Corp', description: 'Choose an organization.', noIndex: true });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const { user } = await requireUser(request, env);
  const memberships = await listMemberships(getDb(env), user.id);
  const url = new URL(request.url);
  if (memberships.length === 0) throw redirect(withGone('/orgs/new', url));
  if (memberships.length === 1) throw redirect(withGone(`/orgs/${memberships[0]!.organization.slug}`, url));
  return {
    user: { name: user.name, email: user.email },
    orgs: memberships.map((m) => ({ slug: m.organization.slug, name: m.organization.name, role: m.role })),
  };
}

export default function Orgs() {
  const { user, orgs } = useLoaderData<typeof loader>();
  return (
    <AuthLayout
      title="Your organizations"
      description={`Signed in as ${user.email}.`}
      footer={
        <Form method="post" action="/logout">
          <button type="submit" className="rounded font-medium text-accent-ink underline-offset-4 hover:underline">
            Sign out
          </button>
        </Form>
      }
    >
      <OrgGoneNotice className="mb-4" />
      <ul className="-my-2 divide-y divide-line">
        {orgs.map((org) => (
          <li key={org.slug}>
            <Link
              to={`/orgs/${org.slug}`}
              className="-mx-2 flex items-center gap-3 rounded-lg px-2 py-3 hover:bg-page-alt"
            >
              <span
                aria-hidden="true"
                className="inline-flex size-9 shrink-0 items-center justify-center rounded-lg bg-brand-600 text-sm font-semibold text-white"
              >
                {org.name.charAt(0).toUpperCase()}
              </span>
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm font-semibold text-ink">{org.name}</span>
                <span className="block truncate font-mono text-xs text-ink-faint">/orgs/{org.slug}</span>
              </span>
              <RoleBadge role={org.role} />
              <Icon name="chevronRight" className="size-4 text-ink-faint" />
            </Link>
          </li>
        ))}
      </ul>
      <ButtonLink to="/orgs/new" variant="secondary" className="mt-6 w-full">
        <Icon name="plus" className="size-4" />
        Create organization
      </ButtonLink>
    </AuthLayout>
  );
}
