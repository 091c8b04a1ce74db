/**
 * A dashboard page's error inside the dashboard: a task, agent or conversation that does not
 * exist (or belongs to another organization) answers 404 here, with the sidebar kept and a way
 * back to its list, instead of the public site's 404 page. Routes export it as their ErrorBoundary.
 */
import { isRouteErrorResponse, useLocation, useParams, useRouteError } from '@remix-run/react';
import { ButtonLink } from './Button';
import { Card } from './Card';

const SECTIONS: Record<string, { missing: string; back: string }> = {
  tasks: { missing: 'This task does not exist', back: 'Back to tasks' },
  agents: { missing: 'This agent does not exist', back: 'Back to agents' },
  messages: { missing: 'This conversation does not exist', back: 'Back to messages' },
};

export function OrgPageError() {
  const error = useRouteError();
  const { slug } = useParams();
  const { pathname } = useLocation();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  // /orgs/:slug/:section/…
  const sectionName = pathname.split('/')[3] ?? '';
  const section = SECTIONS[sectionName];
  const list = section ? `/orgs/${slug}/${sectionName}` : `/orgs/${slug}`;
  return (
    <Card as="section" aria-labelledby="page-error-heading" className="px-6 py-16 text-center">
      <p className="font-mono text-sm font-semibold text-accent-ink">{notFound ? 404 : 'Error'}</p>
      <h1 id="page-error-heading" className="mt-2 text-2xl font-semibold tracking-tight text-ink">
        {notFound ? (section?.missing ?? 'This page does not exist') : 'Something went wrong'}
      </h1>
      <p className="mx-auto mt-3 max-w-md text-sm leading-relaxed text-ink-muted">
        {notFound
          ? 'It may have been deleted, or the link is for another organization.'
          : 'We could not show this page. Try again in a moment; your agents keep working.'}
      </p>
      <div className="mt-8 flex justify-center">
        <ButtonLink to={list}>{section?.back ?? 'Back to the overview'}</ButtonLink>
      </div>
    </Card>
  );
}
