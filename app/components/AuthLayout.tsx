import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import { Card } from './Card';
import { Logo } from './Logo';

/** Sign-in, sign-up and onboarding pages: the logo, one centred card, nothing to distract. */
export function AuthLayout({
  title,
  description,
  eyebrow,
  children,
  footer,
}: {
  title: ReactNode;
  description?: ReactNode;
  eyebrow?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="flex min-h-dvh flex-col bg-page-alt">
      <a
        href="#main"
        className="sr-only z-50 rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>
      <header className="mx-auto flex h-16 w-full max-w-6xl items-center px-5 sm:px-6 lg:px-8">
        <Logo />
      </header>
      <main id="main" tabIndex={-1} className="flex flex-1 justify-center px-5 pt-6 pb-16 focus:outline-none sm:pt-12">
        <div className="w-full max-w-[440px]">
          <div className="text-center">
            {eyebrow ? <p className="text-sm font-medium text-accent-ink">{eyebrow}</p> : null}
            <h1 className="mt-1 text-2xl font-semibold tracking-tight text-balance text-ink sm:text-3xl">{title}</h1>
            {description ? <p className="mt-2 text-[15px] leading-relaxed text-ink-muted">{description}</p> : null}
          </div>
          <Card className="mt-8 p-6 sm:p-8">{children}</Card>
          {footer ? <div className="mt-6 text-center text-sm text-ink-muted">{footer}</div> : null}
        </div>
      </main>
      <footer className="pb-8 text-center text-xs text-ink-faint">
        <Link to="/" className="rounded hover:text-ink">
          Generic Corp
        </Link>{' '}
        · Built on Cloudflare Workers
      </footer>
    </div>
  );
}

/** An inline text link in the app's accent colour. */
export function TextLink({ to, children, className = '' }: { to: string; children: ReactNode; className?: string }) {
  return (
    <Link to={to} className={`rounded font-medium text-accent-ink underline-offset-4 hover:underline ${className}`}>
      {children}
    </Link>
  );
}
