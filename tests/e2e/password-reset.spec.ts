import type { Page } from '@playwright/test';
import { expect, fromNewAddress, test } from './fixtures';

const PASSWORD = 'correct-horse-battery-staple';
const NEW_PASSWORD = 'a-fresh-passphrase-2026';

/** An account (and its org) through the signup form; lands in the new org's dashboard. */
async function signUpThroughForm(page: Page, name: string, email: string) {
  await page.goto('/signup');
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Organization name').fill(`Org ${crypto.randomUUID().slice(0, 8)}`);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/orgs\/org-[a-z0-9-]+$/);
}

test('a user who forgot their password gets an email in the outbox, resets it and is signed in', async ({
  page,
  context,
}) => {
  await fromNewAddress(context);
  const email = `forgetful-${crypto.randomUUID()}@example.com`;
  await signUpThroughForm(page, 'Forgetful Fran', email);
  // Leave the dashboard first: its live socket would reconnect without the cookie and log a 401.
  await page.goto('about:blank');
  await context.clearCookies();

  // Forgot password.
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL('/forgot-password');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Email me a reset link' }).click();
  await expect(page.getByRole('status')).toContainText('a reset link is on its way');

  // The email arrives in the development outbox (sent through the Queue).
  let resetPath = '';
  await expect
    .poll(
      async () => {
        await page.goto(`/dev/outbox?to=${encodeURIComponent(email)}`);
        const text = await page
          .getByTestId('outbox-email')
          .filter({ hasText: 'Reset your Generic Corp password' })
          .first()
          .textContent({ timeout: 500 })
          .catch(() => null);
        const match = text ? /https?:\/\/[^\s)]+(\/reset-password\/[0-9A-Za-z]+)/.exec(text) : null;
        resetPath = match?.[1] ?? '';
        return resetPath;
      },
      { timeout: 15_000 },
    )
    .not.toBe('');

  // Reset and land signed in.
  await page.goto(resetPath);
  await page.getByLabel('New password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set password and log in' }).click();
  await expect(page).toHaveURL(/\/orgs\/org-[a-z0-9-]+$/);

  // The link works once.
  await page.goto(resetPath);
  await expect(page.getByText('This password reset link is invalid or has expired.')).toBeVisible();
});

test('a user whose email is not confirmed is told so where invitations are made, asks for a new link, and confirms', async ({
  page,
  context,
}) => {
  await fromNewAddress(context);
  const email = `unconfirmed-${crypto.randomUUID()}@example.com`;
  await signUpThroughForm(page, 'Una Confirmed', email);
  const members = `${new URL(page.url()).pathname}/settings/members`;

  await page.goto(members);
  await expect(page.getByText('Your email address is not confirmed yet')).toBeVisible();
  await page.getByRole('button', { name: 'Send me a new confirmation link' }).click();
  await expect(page.getByText(`We sent a new confirmation link to ${email}.`)).toBeVisible();

  // Two links in the outbox now (signup's and the new one); the newest confirms.
  let confirmPath = '';
  await expect
    .poll(
      async () => {
        await page.goto(`/dev/outbox?to=${encodeURIComponent(email)}`);
        const mails = page.getByTestId('outbox-email').filter({ hasText: 'Confirm your email address' });
        if ((await mails.count()) < 2) return '';
        const text = await mails.first().textContent();
        confirmPath = /https?:\/\/[^\s)]+(\/verify-email\/[0-9A-Za-z]+)/.exec(text ?? '')?.[1] ?? '';
        return confirmPath;
      },
      { timeout: 15_000 },
    )
    .not.toBe('');
  await page.goto(confirmPath);
  await page.getByRole('button', { name: 'Confirm my email address' }).click();
  await expect(page.getByText('Your email address is confirmed.')).toBeVisible();

  await page.goto(members);
  await expect(page.getByRole('heading', { name: 'Invite a teammate' })).toBeVisible();
  await expect(page.getByText('Your email address is not confirmed yet')).toHaveCount(0);
});
