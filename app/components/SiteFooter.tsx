import { Link } from '@remix-run/react';
import { Container } from './Container';
import { Logo } from './Logo';

const FOOTER_COLUMNS = [
  {
    title: 'Product',
    links: [
      { to: '/#features', label: 'Features' },
      { to: '/pricing', label: 'Pricing' },
      { to: '/demo', label: 'Live demo' },
      { to: '/pricing#self-hosted', label: 'Self-hosting' },
    ],
  },
  {
    title: 'Developers',
    links: [
      { to: '/docs', label: 'Docs' },
      { to: '/docs/api', label: 'API reference' },
      { to: '/v1/openapi.json', label: 'OpenAPI spec', reloadDocument: true },
      { to: '/status', label: 'Status' },
    ],
  },
  {
    title: 'Account',
    links: [
      { to: '/login', label: 'Log in' },
      { to: '/signup', label: 'Start free' },
    ],
  },
] as const;

export function SiteFooter() {
  return (
    <footer className="border-t border-line bg-page-alt">
      <Container className="py-14">
        <div className="grid grid-cols-1 gap-10 sm:grid-cols-2 lg:grid-cols-5">
          <div className="lg:col-span-2">
            <Logo />
            <p className="mt-4 max-w-xs text-sm leading-relaxed text-ink-muted">
              A team of AI agents you can give work to, and watch at work. Runs on Cloudflare, hosted or in your own
              account.
            </p>
          </div>
          {FOOTER_COLUMNS.map((column) => (
            <nav key={column.title} aria-label={column.title}>
              <h2 className="text-sm font-semibold text-ink">{column.title}</h2>
              <ul className="mt-4 space-y-3">
                {column.links.map((link) => (
                  <li key={link.to}>
                    {/* API endpoints are not Remix routes, so they load as documents. */}
                    <Link
                      to={link.to}
                      reloadDocument={'reloadDocument' in link ? link.reloadDocument : undefined}
                      className="rounded text-sm text-ink-muted transition-colors hover:text-ink"
                    >
                      {link.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
          ))}
        </div>
        <p className="mt-12 border-t border-line pt-8 text-sm text-ink-faint">
          Generic Corp. Built on Cloudflare Workers.
        </p>
      </Container>
    </footer>
  );
}
