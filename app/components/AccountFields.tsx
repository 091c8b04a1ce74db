import { TextField } from './Form';

/**
 * The name, email and password of a new account: the signup form and the demo's "keep this
 * team" form ask for the same three, with the same rules.
 */
export function AccountFields({
  values,
  errors,
  email,
}: {
  values?: { name?: string; email?: string };
  errors: Record<string, string | undefined>;
  /** An invitation fixes the address: shown, read-only, with why. */
  email?: { value?: string; readOnly?: boolean; hint?: string; error?: string };
}) {
  return (
    <>
      <TextField
        label="Your name"
        name="name"
        autoComplete="name"
        required
        defaultValue={values?.name}
        error={errors.name}
      />
      <TextField
        label="Work email"
        name="email"
        type="email"
        autoComplete="email"
        inputMode="email"
        required
        defaultValue={values?.email ?? email?.value}
        readOnly={email?.readOnly}
        hint={email?.hint}
        error={email?.error ?? errors.email}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={10}
        hint="At least 10 characters."
        error={errors.password}
      />
    </>
  );
}
