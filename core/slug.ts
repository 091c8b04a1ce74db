/** URL slugs: lowercase ASCII words joined by dashes, 2–48 characters. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

export function slugify(input: string): string {
  const slug = input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug.length >= 2 ? slug : `org-${slug || 'team'}`;
}

/** Words that would collide with app routes if used as an org slug. */
export const RESERVED_SLUGS = new Set([
  'api',
  'v1',
  'app',
  'admin',
  'login',
  'logout',
  'signup',
  'demo',
  'showcase',
  'docs',
  'pricing',
  'settings',
  'new',
  'webhooks',
  'assets',
  'orgs',
  'invitations',
]);
