import type { MetaDescriptor } from '@remix-run/cloudflare';

export const SITE_NAME = 'Generic Corp';

/** The tags every public page needs: title, description, Open Graph and Twitter card. */
export function pageMeta({
  title,
  description,
  noIndex = false,
}: {
  title: string;
  description: string;
  noIndex?: boolean;
}): MetaDescriptor[] {
  return [
    { title },
    { name: 'description', content: description },
    { property: 'og:site_name', content: SITE_NAME },
    { property: 'og:title', content: title },
    { property: 'og:description', content: description },
    { property: 'og:type', content: 'website' },
    { name: 'twitter:card', content: 'summary' },
    { name: 'twitter:title', content: title },
    { name: 'twitter:description', content: description },
    ...(noIndex ? [{ name: 'robots', content: 'noindex' }] : []),
  ];
}
