import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare';
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from '@remix-run/react';
import { ButtonLink } from './components/Button';
import { Container } from './components/Container';
import { SiteLayout } from './components/SiteLayout';
import { pageMeta } from './lib/meta';
import { getOptionalUser, refreshedSessionHeaders } from './lib/session.server';
import stylesheet from './tailwind.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

/** Who is signed in, for the site header; one D1 query, shared with the route's own loaders. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const signedIn = await getOptionalUser(request, context.cloudflare.env);
  const user = signedIn ? { name: signedIn.user.name, email: signedIn.user.email } : null;
  return data({ user }, { headers: refreshedSessionHeaders(signedIn) });
}

// Routes export their own meta; this covers error pages, where only the root's meta runs.
export const meta: MetaFunction = ({ error }) => {
  if (!error) {
    return pageMeta({
      title: 'Generic Corp',
      description: 'Run a team of named AI agents and watch them work in real time.',
    });
  }
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return pageMeta({
    title: notFound ? 'Page not found · Generic Corp' : 'Something went wrong · Generic Corp',
    description: notFound ? 'This page does not exist.' : 'An unexpected error occurred.',
    noIndex: true,
  });
};

export function Layout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#ffffff" media="(prefers-color-scheme: light)" />
        <meta name="theme-color" content="#020617" media="(prefers-color-scheme: dark)" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** Friendly 404 and error pages inside the site chrome; never shows a stack trace. */
export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (notFound && (error.data as { notFound?: string } | null)?.notFound === 'organization') return <NoOrganization />;
  return (
    <SiteLayout>
      <Container width="narrow" className="py-24 text-center sm:py-32">
        <p className="font-mono text-sm font-semibold text-accent-ink">{status}</p>
        <h1 className="mt-3 text-4xl font-semibold tracking-tight text-balance text-ink sm:text-5xl">
          {notFound ? 'This page does not exist' : 'Something went wrong'}
        </h1>
        <p className="mx-auto mt-5 max-w-md text-lg leading-relaxed text-ink-muted">
          {notFound
            ? 'The link may be broken, or the page may have moved. Your agents are fine.'
            : 'We could not show this page. Please try again in a moment; if it keeps happening, let us know.'}
        </p>
        <div className="mt-10 flex flex-col justify-center gap-3 sm:flex-row">
          <ButtonLink to="/" size="lg">
            Back to home
          </ButtonLink>
          <ButtonLink to={notFound ? '/docs/api' : 'mailto:hello@genericcorp.io'} variant="secondary" size="lg">
            {notFound ? 'Read the docs' : 'Contact support'}
          </ButtonLink>
        </div>
      </Container>
    </SiteLayout>
  );
}

/** An organization the user cannot open: removed from it, it was deleted, or the link is wrong. */
function NoOrganization() {
  return (
    <SiteLayout>
      <Container width="narrow" className="py-24 text-center sm:py-32">
        <p className="font-mono text-sm font-semibold text-accent-ink">404</p>
        <h1 className="mt-3 text-4xl font-semibold tracking-tight text-balance text-ink sm:text-5xl">
          You do not have access to this organization
        </h1>
        <p className="mx-auto mt-5 max-w-md text-lg leading-relaxed text-ink-muted">
          You may have been removed from it, it may have been deleted, or the link is wrong. Your other organizations
          are still yours.
        </p>
        <div className="mt-10 flex flex-col justify-center gap-3 sm:flex-row">
          <ButtonLink to="/orgs" size="lg">
            Your organizations
          </ButtonLink>
        </div>
      </Container>
    </SiteLayout>
  );
}
