/**
 * The UI's side of built-in auth. The cookie is the same `gc_session` the JSON API sets
 * (worker/routes/auth.ts), holding the raw session token, so a browser signed in on one face
 * is signed in on the other. Sessions are validated by core/auth/sessions.ts.
 */
import { data, redirect } from '@remix-run/cloudflare';
import {
  SESSION_COOKIE,
  type Session,
  type SessionUser,
  sessionCookieOptions,
  validateSession,
} from '../../core/auth/sessions';
import { getDb } from '../../core/db/client';
import type { Role } from '../../core/db/schema';
import { touchSandbox } from '../../core/demo';
import { findMembershipBySlug, type Organization, type OrgMembership } from '../../core/orgs';
import type { OrgContext } from '../../core/tenant';

export interface SignedIn {
  user: SessionUser;
  session: Session;
  token: string;
  /** The expiry moved: send the cookie again with the new Max-Age (see `refreshedSessionHeaders`). */
  extended: boolean;
}

export interface OrgMember extends SignedIn {
  organization: Organization;
  role: Role;
  /** The tenant context core services take: the org comes from the membership, never the URL. */
  ctx: OrgContext;
}

type SessionEnv = Pick<Env, 'DB'>;

export function readSessionToken(request: Request): string | null {
  const header = request.headers.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== SESSION_COOKIE) continue;
    try {
      return decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      // A malformed cookie (planted by a sibling site, say) is no session, not a 500 on every page.
      return null;
    }
  }
  return null;
}

// The root loader and the route's loaders run for the same request: validate once.
const resolved = new WeakMap<Request, Promise<SignedIn | null>>();

export function getOptionalUser(request: Request, env: SessionEnv): Promise<SignedIn | null> {
  let pending = resolved.get(request);
  if (!pending) {
    pending = (async () => {
      const token = readSessionToken(request);
      if (!token) return null;
      const validated = await validateSession(getDb(env), token);
      return validated ? { ...validated, token } : null;
    })();
    resolved.set(request, pending);
  }
  return pending;
}

/** The signed-in user, or a redirect to the login page that comes back here afterwards. */
export async function requireUser(request: Request, env: SessionEnv): Promise<SignedIn> {
  const signedIn = await getOptionalUser(request, env);
  if (!signedIn) {
    const url = new URL(request.url);
    // Single-fetch data requests carry a `.data` suffix and a `_routes` parameter; the user wants the page.
    url.pathname = url.pathname.replace(/\.data$/, '').replace(/^\/_root$/, '/');
    url.searchParams.delete('_routes');
    throw redirect(`/login?${new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` })}`);
  }
  return signedIn;
}

// The org layout and the page inside it both ask; one lookup per request and slug.
const memberships = new WeakMap<Request, Map<string, Promise<OrgMembership | undefined>>>();

function membershipOnce(request: Request, env: SessionEnv, userId: string, slug: string) {
  let bySlug = memberships.get(request);
  if (!bySlug) memberships.set(request, (bySlug = new Map()));
  let pending = bySlug.get(slug);
  if (!pending) bySlug.set(slug, (pending = findMembershipBySlug(getDb(env), userId, slug)));
  return pending;
}

/** The signed-in user's membership of the org named by `slug`; not a member is a 404, never a 403. */
export async function requireOrgMember(
  request: Request,
  env: SessionEnv,
  slug: string | undefined,
): Promise<OrgMember> {
  const signedIn = await requireUser(request, env);
  const membership = slug ? await membershipOnce(request, env, signedIn.user.id, slug.toLowerCase()) : undefined;
  // The same 404 whether the org does not exist or is not the user's (nothing is revealed); the
  // page says which question to ask (were you removed? was it deleted?) and where to go.
  if (!membership) throw data({ notFound: 'organization' as const }, { status: 404 });
  // A demo sandbox in use stays alive (written at most every few minutes).
  if (membership.organization.isDemo) await touchSandbox(getDb(env), membership.organization);
  return {
    ...signedIn,
    organization: membership.organization,
    role: membership.role,
    ctx: { orgId: membership.organization.id, actor: { type: 'user', id: signedIn.user.id }, role: membership.role },
  };
}

/** `Set-Cookie` for a session, exactly as the API sets it (core/auth/sessions.ts sessionCookieOptions). */
export function sessionCookie(token: string, maxAgeMs?: number): string {
  const options = sessionCookieOptions(maxAgeMs);
  return [
    `${SESSION_COOKIE}=${token}`,
    `Max-Age=${options.maxAge}`,
    `Path=${options.path}`,
    ...(options.httpOnly ? ['HttpOnly'] : []),
    ...(options.secure ? ['Secure'] : []),
    `SameSite=${options.sameSite}`,
  ].join('; ');
}

export function clearedSessionCookie(): string {
  const options = sessionCookieOptions(0);
  return `${SESSION_COOKIE}=; Max-Age=0; Path=${options.path}; HttpOnly; Secure; SameSite=${options.sameSite}`;
}

/** Re-sends the cookie when validation slid the session's expiry forward. */
export function refreshedSessionHeaders(signedIn: SignedIn | null): HeadersInit | undefined {
  if (!signedIn?.extended) return undefined;
  return { 'Set-Cookie': sessionCookie(signedIn.token, signedIn.session.expiresAt - Date.now()) };
}

/** A same-site path: one leading `/`, not `//` or `/\` (protocol-relative), no control characters. */
function isLocalPath(path: string): boolean {
  return (
    path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') && !/[\u0000-\u001f\u007f]/.test(path)
  );
}

const REDIRECT_BASE = 'http://app.invalid';

/**
 * `to` when it is a path on this site, else `fallback`: a login link cannot send someone
 * to another origin (`//evil.example`, `/\evil.example`, `https://…`). Both the input and the
 * normalised result are checked: normalisation can turn a harmless-looking path into a
 * protocol-relative one (`/..//evil.example` → `//evil.example`).
 */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = '/orgs'): string {
  if (typeof to !== 'string' || !isLocalPath(to)) return fallback;
  try {
    const url = new URL(to, REDIRECT_BASE);
    if (url.origin !== REDIRECT_BASE) return fallback;
    const path = `${url.pathname}${url.search}${url.hash}`;
    // What the browser will resolve: it must still be a single-slash path on this origin.
    return isLocalPath(path) && new URL(path, REDIRECT_BASE).origin === REDIRECT_BASE ? path : fallback;
  } catch {
    return fallback;
  }
}
