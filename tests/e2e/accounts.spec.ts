import type { Browser, Page } from '@playwright/test';
import { DEFAULT_TEAM } from '../../core/default-team';
import { LOCAL_DEMO_ORG, LOCAL_DEMO_USER } from '../../core/seed';
import { expect, fromNewAddress, test } from './fixtures';

const PASSWORD = 'correct-horse-battery-staple';

const uniqueEmail = (label: string) => `${label}-${crypto.randomUUID()}@example.com`;

/** Only the visible copy: the dashboard renders its menus for both the sidebar and the phone top bar. */
const visible = <T extends { filter(options: { visible: boolean }): T }>(locator: T) =>
  locator.filter({ visible: true });

async function logIn(page: Page, email: string, password: string) {
  await fromNewAddress(page.context());
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function signInAsDemo(page: Page, path = `/orgs/${LOCAL_DEMO_ORG.slug}`) {
  // A protected page sends us to log in and back again.
  await page.goto(path);
  await expect(page).toHaveURL(/\/login\?redirectTo=/);
  await logIn(page, LOCAL_DEMO_USER.email, LOCAL_DEMO_USER.password);
  await expect(page).toHaveURL(path);
}

/** A second, independent browser (another person), also held to "no console errors". */
async function secondBrowser(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (
      message.type() === 'error' &&
      !(/Failed to load resource/.test(message.text()) && message.location().url === page.url())
    )
      errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

test('a new user signs up, lands in their org with the five agents, signs out and signs in again', async ({ page }) => {
  const email = uniqueEmail('founder');
  const orgName = `Org ${crypto.randomUUID().slice(0, 8)}`;

  await page.goto('/signup');
  // This instance is self-hosted: billing is off, so no trial is offered.
  await expect(page.getByText('Your own instance')).toBeVisible();
  await expect(page.getByText(/day .* trial/)).toHaveCount(0);
  await page.getByLabel('Your name').fill('Ada Founder');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Organization name').fill(orgName);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/orgs\/org-[a-z0-9-]+$/);
  const dashboardUrl = page.url();
  const team = page.getByRole('list', { name: 'Your team' });
  for (const agent of DEFAULT_TEAM) await expect(team.getByText(agent.name, { exact: true })).toBeVisible();
  await expect(team.getByRole('listitem')).toHaveCount(DEFAULT_TEAM.length);
  await expect(visible(page.getByLabel(`${orgName}: switch organization`))).toBeVisible();

  // The checklist's one-click first task answers in the checklist, in place (no navigation, and
  // once: not in the quick form too), and ticks its step.
  const checklist = page.getByRole('region', { name: 'Get started' });
  await checklist.getByRole('button', { name: 'Give Sable a first task' }).click();
  await expect(checklist.getByRole('status')).toContainText('Sable has a new task');
  await expect(page.getByRole('status').filter({ hasText: 'Sable has a new task' })).toHaveCount(1);
  await expect(checklist.getByText('Give your first task (done)')).toBeAttached();
  await expect(page).toHaveURL(dashboardUrl);

  await page.getByLabel('Account menu for Ada Founder').click();
  await visible(page.getByRole('button', { name: 'Sign out' })).click();
  await expect(page).toHaveURL('/');
  await expect(page.getByRole('link', { name: 'Log in' }).first()).toBeVisible();

  await page.goto('/login');
  await logIn(page, email, PASSWORD);
  await expect(page).toHaveURL(dashboardUrl);
  await expect(page.getByRole('heading', { name: 'Welcome, Ada' })).toBeVisible();

  // Signed in, the public site offers the dashboard instead of "Log in".
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Dashboard' }).first()).toBeVisible();
});

test('the seeded demo user signs in to the acme dashboard, and the org switcher works with the keyboard', async ({
  page,
}) => {
  await signInAsDemo(page);
  await expect(page.getByRole('list', { name: 'Your team' }).getByText('Marcus', { exact: true })).toBeVisible();

  const switcher = visible(page.getByLabel(`${LOCAL_DEMO_ORG.name}: switch organization`));
  await switcher.focus();
  await page.keyboard.press('Enter');
  const create = visible(page.getByRole('link', { name: 'Create organization' }));
  await expect(create).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(create).toBeHidden();
  await expect(switcher).toBeFocused();

  // Tabbing out of the open menu closes it, rather than leaving it over what comes next.
  await page.keyboard.press('Enter');
  await expect(create).toBeVisible();
  const menu = page.locator('details').filter({ has: switcher });
  for (let i = 0; i < 15 && (await menu.evaluate((details) => details.contains(document.activeElement))); i++)
    await page.keyboard.press('Tab');
  await expect(create).toBeHidden();
});

test('an API key created in settings works once shown, and stops working when revoked', async ({ page, request }) => {
  await signInAsDemo(page, `/orgs/${LOCAL_DEMO_ORG.slug}/settings/keys`);
  const name = `e2e key ${crypto.randomUUID().slice(0, 8)}`;
  await page.getByLabel('Name').fill(name);
  await expect(page.getByRole('checkbox', { name: 'org:read' })).toBeChecked();
  await page.getByRole('button', { name: 'Create key' }).click();

  const secret = page.getByRole('textbox', { name: 'New API key' });
  await expect(secret).toHaveValue(/^gc_sk_[0-9A-Za-z]{48}$/);
  const key = await secret.inputValue();

  const before = await request.get('/v1/org', { headers: { Authorization: `Bearer ${key}` } });
  expect(before.status()).toBe(200);
  expect((await before.json()).slug).toBe(LOCAL_DEMO_ORG.slug);

  await page.getByLabel(`Revoke ${name}`).click();
  await page.getByRole('button', { name: 'Revoke key' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Revoked “${name}”` })).toBeVisible();
  await expect(page.getByText(name, { exact: true })).toHaveCount(0);

  const after = await request.get('/v1/org', { headers: { Authorization: `Bearer ${key}` } });
  expect(after.status()).toBe(401);
});

test('a teammate invited as a viewer joins through the link and cannot rename the org', async ({ page, browser }) => {
  await signInAsDemo(page, `/orgs/${LOCAL_DEMO_ORG.slug}/settings/members`);
  const email = uniqueEmail('viewer');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Create invitation' }).click();
  const linkField = page.getByRole('textbox', { name: 'Invitation link' });
  await expect(linkField).toHaveValue(/\/invitations\/[0-9A-Za-z]{40}$/);
  const link = await linkField.inputValue();
  await expect(
    page.getByRole('region', { name: 'Pending invitations' }).getByText(email, { exact: true }),
  ).toBeVisible();

  const teammate = await secondBrowser(browser);
  try {
    const invited = teammate.page;
    await invited.goto(link);
    await expect(invited.getByRole('heading', { name: `Join ${LOCAL_DEMO_ORG.name}` })).toBeVisible();
    await expect(invited.getByText('viewer', { exact: true })).toBeVisible();
    await invited.getByRole('link', { name: 'Create an account to join' }).click();

    await expect(invited.getByLabel('Work email')).toHaveValue(email);
    await expect(invited.getByLabel('Organization name')).toHaveCount(0);
    await invited.getByLabel('Your name').fill('Vera Viewer');
    await invited.getByLabel('Password').fill(PASSWORD);
    await invited.getByRole('button', { name: 'Create account and join' }).click();

    await expect(invited).toHaveURL(`/orgs/${LOCAL_DEMO_ORG.slug}`);
    await expect(invited.getByRole('list', { name: 'Your team' }).getByText('Sable', { exact: true })).toBeVisible();

    await invited.goto(`/orgs/${LOCAL_DEMO_ORG.slug}/settings/general`);
    await expect(invited.getByText('Only admins and owners can rename the organization')).toBeVisible();
    await expect(invited.getByLabel('Organization name')).toHaveCount(0);
    await expect(invited.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
    await expect(invited.getByRole('link', { name: 'API keys' })).toHaveCount(0);
    // A viewer follows work but is not offered to give any.
    await invited.goto(`/orgs/${LOCAL_DEMO_ORG.slug}/agents/graham`);
    await expect(invited.getByRole('heading', { level: 1, name: 'Graham' })).toBeVisible();
    await expect(invited.getByRole('link', { name: 'Give a task' })).toHaveCount(0);
    expect(teammate.errors).toEqual([]);

    // The owner sees the new viewer, with a role button named for them.
    await page.reload();
    await expect(page.getByRole('button', { name: 'Change Vera Viewer’s role' })).toBeVisible();
  } finally {
    await teammate.context.close();
  }
});

test('a wrong password gets the generic error, and signup shows field errors', async ({ page }) => {
  await page.goto('/login');
  await logIn(page, LOCAL_DEMO_USER.email, 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match an account.');
  await expect(page).toHaveURL(/\/login/);

  await page.goto('/signup');
  await page.getByLabel('Your name').fill('Typo Person');
  await page.getByLabel('Work email').fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByLabel('Organization name').fill('Typo Inc');
  await page.getByRole('button', { name: 'Create account' }).click();

  const emailField = page.getByLabel('Work email');
  await expect(emailField).toHaveAttribute('aria-invalid', 'true');
  await expect(emailField).toHaveAccessibleDescription(/valid email/i);
  await expect(page.getByLabel('Password')).toHaveAccessibleDescription(/at least 10 characters/i);
  await expect(emailField).toBeFocused();
  await expect(page).toHaveURL(/\/signup/);
});

test('the dashboard works on a phone: the sidebar collapses into a menu', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await signInAsDemo(page);
  await expect(page.getByRole('navigation', { name: 'Dashboard' })).toBeHidden();
  await page.getByLabel('Menu', { exact: true }).click();
  const nav = page.getByRole('navigation', { name: 'Dashboard' });
  await expect(nav).toBeVisible();
  await nav.getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(`/orgs/${LOCAL_DEMO_ORG.slug}/settings/general`);
  await expect(nav).toBeHidden();
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), {
      message: 'the page scrolls sideways',
    })
    .toBeLessThanOrEqual(0);
});

test('deleting an organization says so where the owner lands', async ({ page }) => {
  await fromNewAddress(page.context());
  const firstName = `First ${crypto.randomUUID().slice(0, 8)}`;
  await page.goto('/signup');
  await page.getByLabel('Your name').fill('Odile Owner');
  await page.getByLabel('Work email').fill(uniqueEmail('owner'));
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Organization name').fill(firstName);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/orgs\/first-[a-z0-9-]+$/);
  const first = new URL(page.url()).pathname;

  await page.goto('/orgs/new');
  await page.getByLabel('Organization name').fill(`Scratch ${crypto.randomUUID().slice(0, 8)}`);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page).toHaveURL(/\/orgs\/scratch-[a-z0-9-]+$/);
  const slug = new URL(page.url()).pathname.split('/').pop()!;

  await page.goto(`/orgs/${slug}/settings/general`);
  await page.getByLabel(new RegExp(`Type ${slug}`)).fill(slug);
  await page.getByRole('button', { name: 'Delete this organization' }).click();
  await expect(page).toHaveURL(`${first}?gone=deleted`);
  await expect(page.getByText('The organization was deleted, with its agents and work.')).toBeVisible();
});
