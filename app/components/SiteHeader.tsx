import { Link, NavLink, useLocation } from '@remix-run/react';
import { useOptionalUser } from '../lib/root-data';
import { ButtonLink } from './Button';
import { Container } from './Container';
import { Logo } from './Logo';

const NAV_LINKS = [
  { to: '/#features', label: 'Product' },
  { to: '/pricing', label: 'Pricing' },
  { to: '/docs', label: 'Docs' },
] as const;

const navLinkClasses = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-2 text-sm font-medium transition-colors ${isActive ? 'text-ink' : 'text-ink-muted hover:text-ink'}`;

export function SiteHeader() {
  const location = useLocation();
  const user = useOptionalUser();
  return (
    <header className="sticky top-0 z-40 border-b border-line/80 bg-page/85 backdrop-blur supports-[backdrop-filter]:bg-page/70">
      <Container className="flex h-16 items-center justify-between gap-4">
        <div className="flex items-center gap-8">
          <Logo />
          <nav aria-label="Main" className="hidden md:block">
            <ul className="flex items-center gap-1">
              {NAV_LINKS.map((link) => (
                <li key={link.to}>
                  {/* Docs stays highlighted on every docs page (/docs/api too). */}
                  <NavLink to={link.to} className={navLinkClasses} end={link.to !== '/docs'}>
                    {link.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        </div>

        <div className="hidden items-center gap-2 md:flex">
          {user ? (
            <ButtonLink to="/orgs" size="sm">
              Dashboard
            </ButtonLink>
          ) : (
            <>
              <ButtonLink to="/login" variant="ghost" size="sm">
                Log in
              </ButtonLink>
              <ButtonLink to="/signup" size="sm">
                Start free
              </ButtonLink>
            </>
          )}
        </div>

        {/* A <details> menu works without JavaScript; the key remounts it (closed) after each navigation. */}
        <details key={location.pathname + location.hash} className="group md:hidden">
          <summary className="-mr-2 flex size-10 list-none items-center justify-center rounded-lg text-ink hover:bg-page-alt">
            <span className="sr-only">Menu</span>
            <svg
              viewBox="0 0 24 24"
              className="size-6 group-open:hidden"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.75"
              strokeLinecap="round"
              aria-hidden="true"
            >
              <path d="M4 7h16M4 12h16M4 17h16" />
            </svg>
            <svg
              viewBox="0 0 24 24"
              className="hidden size-6 group-open:block"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.75"
              strokeLinecap="round"
              aria-hidden="true"
            >
              <path d="M6 6l12 12M18 6L6 18" />
            </svg>
          </summary>
          <nav aria-label="Main" className="absolute inset-x-0 top-16 border-b border-line bg-page shadow-lift">
            <Container className="py-4">
              <ul className="flex flex-col">
                {NAV_LINKS.map((link) => (
                  <li key={link.to}>
                    <Link
                      to={link.to}
                      className="block rounded-lg px-3 py-3 text-base font-medium text-ink hover:bg-page-alt"
                    >
                      {link.label}
                    </Link>
                  </li>
                ))}
                {user ? null : (
                  <li>
                    <Link
                      to="/login"
                      className="block rounded-lg px-3 py-3 text-base font-medium text-ink hover:bg-page-alt"
                    >
                      Log in
                    </Link>
                  </li>
                )}
              </ul>
              <ButtonLink to={user ? '/orgs' : '/signup'} size="lg" className="mt-3 w-full">
                {user ? 'Dashboard' : 'Start free'}
              </ButtonLink>
            </Container>
          </nav>
        </details>
      </Container>
    </header>
  );
}
