/** Field rules shared by the API and the UI's forms, so both refuse the same input. */
import { z } from 'zod';
import { ROLES } from './vocabulary';
import { hasPrefix, type IdPrefix } from './ids';
import { SLUG_PATTERN } from './slug';

// Control characters (other than ordinary spaces) never belong in names.
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f-\u009f]*$/;

export const emailField = z
  .string({ error: 'Enter an email address.' })
  .trim()
  .max(254, 'Email addresses are at most 254 characters.')
  .pipe(z.email({ error: 'Enter a valid email address.' }));

export const passwordField = z
  .string({ error: 'Enter a password.' })
  .min(10, 'Use at least 10 characters.')
  .max(200, 'Use at most 200 characters.');

export const nameField = (label: string, max = 100) =>
  z
    .string({ error: `Enter ${label}.` })
    .transform((value) => value.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, `Enter ${label}.`)
        .max(max, `Use at most ${max} characters.`)
        .regex(NO_CONTROL_CHARS, `${label[0]!.toUpperCase()}${label.slice(1)} cannot contain control characters.`),
    );

export const slugField = z
  .string()
  .trim()
  .toLowerCase()
  .regex(SLUG_PATTERN, 'Use 2–48 lowercase letters, digits and dashes, starting and ending with a letter or digit.');

export const roleField = z.enum(ROLES, { error: `Choose one of: ${ROLES.join(', ')}.` });

export const SignupInput = z.strictObject({
  email: emailField,
  password: passwordField,
  name: nameField('your name'),
  organization_name: nameField('an organization name').optional(),
  invitation_token: z.string().max(200).optional(),
});
export type SignupInput = z.infer<typeof SignupInput>;

export const LoginInput = z.strictObject({
  email: emailField,
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(200),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const PasswordResetRequestInput = z.strictObject({
  email: emailField,
});
export type PasswordResetRequestInput = z.infer<typeof PasswordResetRequestInput>;

export const PasswordResetInput = z.strictObject({
  token: z.string({ error: 'The reset link is missing its token.' }).min(1).max(100),
  password: passwordField,
});
export type PasswordResetInput = z.infer<typeof PasswordResetInput>;

export const EmailTokenInput = z.strictObject({
  token: z.string({ error: 'The link is missing its token.' }).min(1).max(100),
});

/**
 * A list's `cursor`: the `next_cursor` of the page before, an id of that list's kind. Anything
 * else is refused: compared as text, it would quietly start from the top.
 */
export function cursorField(prefix: IdPrefix) {
  return z
    .string()
    .refine((value) => hasPrefix(value, prefix), 'Not a cursor of this list: send `next_cursor` as it came.');
}
