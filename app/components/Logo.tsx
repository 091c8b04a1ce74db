import { Link } from '@remix-run/react';

/** The hexagon mark from the favicon, drawn inline so it needs no extra request. */
export function LogoMark({ className = 'size-7' }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <rect width="32" height="32" rx="8" className="fill-brand-600" />
      <path d="M9 11l7-4 7 4v10l-7 4-7-4z" fill="none" stroke="#fff" strokeWidth="2.5" strokeLinejoin="round" />
    </svg>
  );
}

export function Logo() {
  return (
    <Link to="/" className="inline-flex items-center gap-2.5 rounded-md text-ink">
      <LogoMark />
      <span className="text-[15px] font-semibold tracking-tight">Generic Corp</span>
      <span className="sr-only">, home</span>
    </Link>
  );
}
