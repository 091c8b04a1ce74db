/** What a person sees for an unusable emailed link (shared by the API and the pages, no database code). */
export const RESET_LINK_INVALID = 'This password reset link is invalid or has expired. Ask for a new one.';
export const VERIFY_LINK_INVALID =
  'This confirmation link was already used or has expired. If your address is not confirmed yet, ask for a new link under Settings → Members.';
