/**
 * The dashboard's forms answer in plain words: a blank or too-long field says what to enter
 * (never zod's "Too small: expected string…"), and a title or name field stops at the length
 * the API takes.
 */
import { LOCAL_DEMO_ORG } from '../../core/seed';
import { demoSessionOnce, expect, signIn, test } from './fixtures';

const BASE = `/orgs/${LOCAL_DEMO_ORG.slug}`;
const unique = () => crypto.randomUUID().slice(0, 8);

const session = demoSessionOnce(`${BASE}/tasks`);

test.use({ storageState: async ({}, use) => use(session()) });

const RAW_ZOD = /Too (small|big): expected/;

test('the New agent dialog sent empty says what each required field needs', async ({ page }) => {
  await signIn(page, `${BASE}/agents`);
  await page.getByRole('button', { name: 'New agent' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New agent' });
  await expect(dialog.getByLabel('Name')).toHaveAttribute('maxlength', '60');
  await dialog.getByRole('button', { name: 'Add agent' }).click();
  await expect(dialog.getByText('Give the agent a name.')).toBeVisible();
  await expect(dialog.getByText('Give the agent a role, e.g. "Security Engineer".')).toBeVisible();
  await expect(dialog.getByText('Describe the agent’s personality.')).toBeVisible();
  await expect(dialog.getByText(RAW_ZOD)).toHaveCount(0);

  // Closed with its errors showing, it reopens clean.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await page.getByRole('button', { name: 'New agent' }).first().click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('Give the agent a name.')).toHaveCount(0);
  await expect(dialog.getByLabel('Name')).not.toHaveAttribute('aria-invalid', 'true');
});

test('a schedule sent empty says what to enter', async ({ page }) => {
  await signIn(page, `${BASE}/schedules`);
  await expect(page.getByLabel('Name')).toHaveAttribute('maxlength', '100');
  await page.getByRole('button', { name: 'Create schedule' }).click();
  await expect(page.getByText('Name the schedule.')).toBeVisible();
  await expect(page.getByText('Describe the task.')).toBeVisible();
  await expect(page.getByText(RAW_ZOD)).toHaveCount(0);
});

test('a task’s title stops at 200 characters, and a longer one sent anyway is explained', async ({ page }) => {
  await signIn(page, `${BASE}/tasks`);
  // Starting far in the future, the task stays pending, so it can still be edited.
  const description = `Editable later ${unique()}`;
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Description').fill(description);
  await expect(dialog.getByLabel(/^Title/)).toHaveAttribute('maxlength', '200');
  await dialog.getByLabel(/^Start at/).fill('2099-01-01T09:00');
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('link', { name: description }).first().click();
  await expect(page.getByRole('heading', { name: 'Edit task' })).toBeVisible();

  const title = page.getByLabel('Title', { exact: true });
  await title.fill('x'.repeat(300));
  await expect(title).toHaveValue('x'.repeat(200));

  // A browser that ignores maxlength still gets the rule in words.
  await title.evaluate((input) => input.removeAttribute('maxlength'));
  await title.fill('x'.repeat(300));
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Titles are at most 200 characters.')).toBeVisible();
  await expect(page.getByText(RAW_ZOD)).toHaveCount(0);
});

test('emptying a task’s description is refused, not answered "Saved." with the old text kept', async ({ page }) => {
  await signIn(page, `${BASE}/tasks`);
  const description = `Keep my words ${unique()}`;
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Description').fill(description);
  await dialog.getByLabel(/^Start at/).fill('2099-01-01T09:00');
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('link', { name: description }).first().click();
  await expect(page.getByRole('heading', { name: 'Edit task' })).toBeVisible();

  await page.getByRole('textbox', { name: 'Description' }).fill('');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Describe the task.')).toBeVisible();
  await expect(page.getByText('Saved.', { exact: true })).toHaveCount(0);
  // The task still says what it said.
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Description' })).toHaveValue(description);
});
