/**
 * The task board, task detail, agent pages and messages, driven like a person would: against
 * the seeded demo org, whose runs use the simulated model (done in a second or two, unless a
 * `[simulate:think=MS]` directive slows it down). Pages refresh themselves, so every wait is
 * for text to appear, never a reload.
 */
import type { Page } from '@playwright/test';
import { LOCAL_DEMO_ORG } from '../../core/seed';
import { demoSessionOnce, expect, signIn, test } from './fixtures';

const BASE = `/orgs/${LOCAL_DEMO_ORG.slug}`;
const unique = () => crypto.randomUUID().slice(0, 8);

const session = demoSessionOnce(`${BASE}/tasks`);

test.use({ storageState: async ({}, use) => use(session()) });

/** Opens "New task" on the board, fills it and creates the task; returns to the board. */
async function createFromBoard(page: Page, agent: string, description: string) {
  const opener = page.getByRole('button', { name: 'New task' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Agent', { exact: true }).selectOption(agent);
  await dialog.getByLabel('Description').fill(description);
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog).toBeHidden();
  // Closing the dialog gives focus back to what opened it.
  await expect(opener).toBeFocused();
}

/** The status badge in the task detail's header (the timeline and runs repeat some words). */
const headerStatus = (page: Page, status: string) =>
  page.locator('main header').first().getByText(status, { exact: true });

test('a task given from the board’s dialog is completed by Sable, and its detail shows the simulated run’s trace', async ({
  page,
}) => {
  await signIn(page, `${BASE}/tasks`);
  const description = `Review PR #${unique()} and list the risks`;

  // The dialog keeps its field errors, and Escape closes it.
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog.getByText('Describe the task.')).toBeVisible();
  await expect(dialog.getByLabel('Description')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await createFromBoard(page, 'sable', description);
  await expect(page.getByRole('article', { name: description })).toBeVisible();
  // The board refreshes itself: the card moves to "Completed" without a reload.
  await expect(page.getByRole('region', { name: 'Completed' }).getByRole('article', { name: description })).toBeVisible(
    { timeout: 10_000 },
  );

  await page.getByRole('article', { name: description }).getByRole('link', { name: description }).click();
  await expect(page).toHaveURL(new RegExp(`${BASE}/tasks/tsk_`));
  await expect(page.getByRole('heading', { level: 1, name: description })).toBeVisible();
  await expect(headerStatus(page, 'Completed')).toBeVisible();
  await expect(page.getByText('Simulated model').first()).toBeVisible();
  const trace = page.getByRole('list', { name: 'Trace of attempt 1' });
  await expect(trace.getByText('update_progress').first()).toBeVisible();
  await expect(trace.getByText('finish_task').first()).toBeVisible();
  await expect(page.getByText('Result', { exact: true })).toBeVisible();
});

test('a slow task’s trace grows while it runs', async ({ page }) => {
  await signIn(page, `${BASE}/tasks`);
  const description = `Audit the onboarding emails ${unique()} [simulate:think=3000]`;
  await createFromBoard(page, 'sable', description);
  await page.getByRole('status').getByRole('link', { name: description }).click();
  await expect(page.getByRole('heading', { level: 1, name: description })).toBeVisible();

  // The first turn's steps show up while the run goes on (three seconds a turn).
  const trace = page.getByRole('list', { name: 'Trace of attempt 1' });
  await expect(trace.getByText('update_progress').first()).toBeVisible({ timeout: 15_000 });
  await expect(headerStatus(page, 'Running')).toBeVisible();
  await expect(headerStatus(page, 'Completed')).toBeVisible({ timeout: 30_000 });
  await expect(trace.getByText('finish_task').first()).toBeVisible();
});

test('a task that asks Yuki is delegated: the detail shows Yuki’s child task, and both complete', async ({ page }) => {
  await signIn(page, BASE);
  const description = `Plan the launch of feature ${unique()} and ask Yuki about capacity`;

  // The overview's quick form gives the task.
  await page.getByLabel('Agent', { exact: true }).selectOption('sable');
  await page.getByLabel('What should they do?').fill(description);
  await page.getByRole('button', { name: 'Give task' }).click();
  await page.getByRole('status').getByRole('link', { name: description }).click();
  await expect(page.getByRole('heading', { level: 1, name: description })).toBeVisible();

  const delegated = page.getByRole('list', { name: 'Delegated tasks' });
  await expect(delegated.getByText('Yuki', { exact: true })).toBeVisible({ timeout: 10_000 });
  await expect(headerStatus(page, 'Completed')).toBeVisible({ timeout: 15_000 });
  await expect(delegated.getByText('Completed', { exact: true })).toBeVisible();

  // The child names its parent.
  await delegated.getByRole('link').first().click();
  await expect(
    page.getByRole('list', { name: 'Delegated from' }).getByRole('link', { name: description }),
  ).toBeVisible();
  await expect(headerStatus(page, 'Completed')).toBeVisible();
});

test('a slow task is cancelled from its detail page, then Retry brings it to completion', async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page, `${BASE}/tasks`);
  const description = `Migrate the billing tables ${unique()} [simulate:think=4000]`; // long enough to cancel on a slow machine
  await createFromBoard(page, 'devonte', description);
  await page.getByRole('status').getByRole('link', { name: description }).click();
  await expect(page.getByRole('heading', { level: 1, name: description })).toBeVisible();

  await page.getByRole('button', { name: 'Cancel task' }).click();
  await expect(headerStatus(page, 'Cancelled')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel task' })).toBeHidden();
  await expect(page.getByText('Cancelled by a person in the organization.')).toBeVisible();
  // The button that had focus is gone: focus is on the answer, not lost to the page.
  await expect(page.getByRole('status').filter({ hasText: 'Dependent tasks are blocked' })).toBeFocused();

  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(headerStatus(page, 'Cancelled')).toBeHidden();
  await expect(headerStatus(page, 'Completed')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Retry' })).toBeHidden();
  // The retry's notice ("Queued again…") spoke of the queued task; it goes once the task moved on.
  await expect(page.getByText(/Queued again/)).toBeHidden();
});

test('an agent’s role is changed on the agent page and stays saved', async ({ page }) => {
  await signIn(page, `${BASE}/agents`);
  await page.getByRole('list', { name: 'Agents' }).getByRole('link', { name: 'Graham', exact: true }).click();
  await expect(page).toHaveURL(`${BASE}/agents/graham`);
  await expect(page.getByRole('heading', { level: 1, name: 'Graham' })).toBeVisible();

  const role = `Analytics Engineer ${unique()}`;
  const field = page.getByLabel('Role', { exact: true });
  await expect(field).not.toHaveValue('');
  const original = await field.inputValue();
  await field.fill(role);
  await page.getByRole('button', { name: 'Save configuration' }).click();
  await expect(page.getByText('Saved Graham’s configuration.')).toBeVisible();

  // Saved for good: a fresh load shows the new role (a wait for the next live refresh was
  // flaky when nothing else happened in the org).
  await page.reload();
  await expect(page.getByLabel('Role', { exact: true })).toHaveValue(role);
  await expect(page.locator('main header').first().getByText(role)).toBeVisible();

  // Leave the demo org as it was.
  await page.getByLabel('Role', { exact: true }).fill(original);
  await page.getByRole('button', { name: 'Save configuration' }).click();
  await expect(page.getByText('Saved Graham’s configuration.')).toBeVisible();
});

test('a message to an agent starts a thread, the reply appears in it, and a reply in the thread is answered too', async ({
  page,
}) => {
  test.setTimeout(45_000);
  await signIn(page, `${BASE}/messages`);
  const body = `Can you check why the nightly export ${unique()} was slow?`;
  await page.getByLabel('To').selectOption('graham');
  await page.getByLabel('Message', { exact: true }).fill(body);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page).toHaveURL(new RegExp(`${BASE}/messages/thr_`));

  const messages = page.getByRole('list', { name: 'Messages' });
  await expect(messages.getByText(body, { exact: true })).toBeVisible();
  // Graham answers when his task completes; the thread refreshes itself.
  const replies = messages.getByRole('listitem').filter({ hasText: 'simulated model' });
  await expect(replies).toHaveCount(1, { timeout: 15_000 });

  // A person's message is Markdown too, and a line break typed in it stays one.
  const night = unique();
  const followUp = `Thanks. And the one from **${night}**?\nSent from the dashboard`;
  await page.getByLabel('Reply to Graham').fill(followUp);
  await page.getByRole('button', { name: 'Send' }).click();
  const sent = messages
    .locator('p')
    .filter({ has: page.locator('strong', { hasText: night }), hasText: 'Sent from the dashboard' });
  await expect(sent).toBeVisible();
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point (CSS keeps the break)
  await expect.poll(() => sent.innerText()).toBe(`Thanks. And the one from ${night}?\nSent from the dashboard`);
  await expect(page.getByLabel('Reply to Graham')).toHaveValue('');
  await expect(replies).toHaveCount(2, { timeout: 15_000 });

  // The thread is listed with the agent it is with.
  await expect(page.getByRole('link', { name: /Graham/ }).filter({ hasText: body })).toBeVisible();
});

test('the usage page’s charts hydrate without errors on every load, not only the first', async ({ page }) => {
  await signIn(page, `${BASE}/settings/usage`);
  // The server renders many pages; each load must match what the browser renders.
  for (let load = 0; load < 3; load += 1) {
    if (load) await page.reload();
    await expect(page.getByTestId('usage-chart-period').locator('svg').first()).toBeVisible();
  }
});

test('a schedule is created after fixing a bad cron, and the form comes back empty', async ({ page }) => {
  await signIn(page, `${BASE}/schedules`);
  const name = `Nightly digest ${unique()}`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Cron expression').fill('61 25 * * *');
  await page.getByLabel('Task description').fill('Summarize what the team did today');
  await page.getByRole('button', { name: 'Create schedule' }).click();
  await expect(page.getByLabel('Cron expression')).toBeFocused();

  await page.getByLabel('Cron expression').fill('0 18 * * *');
  await page.getByRole('button', { name: 'Create schedule' }).click();
  await expect(page.getByText(`“${name}” is scheduled.`)).toBeVisible();
  // Nothing of the schedule just made is left in the form to be sent twice.
  await expect(page.getByLabel('Name')).toHaveValue('');
  await expect(page.getByLabel('Cron expression')).toHaveValue('');
  await expect(page.getByLabel('Task description')).toHaveValue('');
});

test('a task that does not exist answers 404 inside the dashboard, with a way back', async ({ page }) => {
  const response = await page.goto(`${BASE}/tasks/tsk_doesnotexist0000000000`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'This task does not exist' })).toBeVisible();
  // Still the dashboard: its navigation is there, and the way back is to the task board.
  await expect(page.getByRole('navigation', { name: 'Dashboard' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to tasks' }).click();
  await expect(page).toHaveURL(`${BASE}/tasks`);
});

test('on a phone the task list fits the screen: each task shows its status without a sideways scroll', async ({
  page,
}) => {
  await page.setViewportSize({ width: 375, height: 812 });
  const description = `Phone-sized task ${unique()}`;
  await signIn(page, `${BASE}/tasks?view=list`);
  await createFromBoard(page, 'yuki', description);
  const list = page.getByRole('region', { name: 'Tasks' });
  const row = list.getByRole('row').filter({ hasText: description });
  await expect(row.getByText('Completed', { exact: true })).toBeInViewport({ timeout: 15_000 });
  await expect(row.getByText(/^Yuki ·/)).toBeVisible();
  await expect.poll(() => list.evaluate((region) => region.scrollWidth - region.clientWidth)).toBe(0);
});

test('Clear filters empties the filter fields too, so Apply cannot bring the old filters back', async ({ page }) => {
  await signIn(page, `${BASE}/tasks?view=list`);
  const search = page.getByRole('searchbox', { name: 'Search tasks' });
  const status = page.getByLabel('Filter by status');
  await search.fill('caching');
  await search.press('Enter');
  await expect(page).toHaveURL(/[?&]q=caching/);
  await status.selectOption('failed');
  await expect(page).toHaveURL(/[?&]status=failed/);

  await page.getByRole('link', { name: 'Clear filters', exact: true }).click();
  await expect(page).toHaveURL(`${BASE}/tasks?view=list`);
  await expect(search).toHaveValue('');
  await expect(status).toHaveValue('');

  // The fields follow the URL both ways: back brings the filters and their values back.
  await page.goBack();
  await expect(search).toHaveValue('caching');
  await expect(status).toHaveValue('failed');
});

/** Creates a task that waits for a start time years away, so it stays open (its priority can change). */
async function createWaitingTask(page: Page, agent: string, description: string) {
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Agent', { exact: true }).selectOption(agent);
  await dialog.getByLabel('Description').fill(description);
  await dialog.getByLabel(/^Start at/).fill('2099-01-01T09:00');
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog).toBeHidden();
}

test('the priority select shows its whole value, in the list and on the board at 1280 px', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, `${BASE}/tasks`);
  const description = `Renew the TLS certificates ${unique()}`;
  await createWaitingTask(page, 'graham', description);

  // A select shows its value whole when it is at least as wide as it is when sized to its options.
  const fitsItsOptions = (select: ReturnType<Page['getByLabel']>) =>
    select.evaluate((element) => {
      const width = element.getBoundingClientRect().width;
      element.style.setProperty('width', 'max-content', 'important');
      const natural = element.getBoundingClientRect().width;
      element.style.removeProperty('width');
      return width >= natural - 0.5;
    });
  const priority = page.getByLabel(`Priority of “${description}”`);

  await expect(
    page.getByRole('region', { name: 'Task board' }).getByRole('article', { name: description }),
  ).toBeVisible();
  await expect(priority).toHaveValue('normal');
  await expect.poll(() => fitsItsOptions(priority)).toBe(true);

  await page.getByRole('link', { name: 'List', exact: true }).click();
  await expect(page).toHaveURL(`${BASE}/tasks?view=list`);
  await expect(
    page.getByRole('region', { name: 'Tasks' }).getByRole('row').filter({ hasText: description }),
  ).toBeVisible();
  await expect(priority).toBeVisible();
  await expect.poll(() => fitsItsOptions(priority)).toBe(true);
});

test('at 1280×800 empty board columns fold to rails, so a column with tasks is in view', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, `${BASE}/tasks`);
  const description = `Summarise the standup notes ${unique()}`;
  await createFromBoard(page, 'yuki', description);
  // Only this task on the board: every column but its own is empty.
  const search = page.getByRole('searchbox', { name: 'Search tasks' });
  await search.fill(description);
  await search.press('Enter');

  const card = page.getByRole('region', { name: 'Completed' }).getByRole('article', { name: description });
  await expect(card).toBeVisible({ timeout: 10_000 });
  await expect(card).toBeInViewport({ ratio: 1 });
  for (const status of ['Pending', 'Queued', 'Running', 'Blocked'])
    await expect(page.getByRole('region', { name: `${status}: no tasks` })).toBeVisible();
});

test('the New task dialog reopens clean after it was closed showing errors', async ({ page }) => {
  await signIn(page, `${BASE}/tasks`);
  const opener = page.getByRole('button', { name: 'New task' });
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await opener.click();
  await dialog.getByLabel(/^Title/).fill('Half a thought');
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog.getByText('Describe the task.')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await opener.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('Please correct the highlighted fields.')).toBeHidden();
  await expect(dialog.getByText('Describe the task.')).toBeHidden();
  await expect(dialog.getByLabel('Description')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByLabel(/^Title/)).toHaveValue('');

  // A new mistake is shown as before.
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog.getByText('Describe the task.')).toBeVisible();
});

test('saving an agent’s tool policies answers beside the button', async ({ page }) => {
  await signIn(page, `${BASE}/agents/marcus`);
  const policy = page.getByLabel('Policy for draft_external');
  await policy.selectOption('never');
  await page.getByRole('button', { name: 'Save tool policies' }).click();
  const saved = page.getByRole('status').filter({ hasText: 'Saved Marcus’s tool policies.' });
  // The form re-mounts with what was stored, so its button is gone: focus goes to the answer,
  // which brings it into view even when the task list above it grew in the same render.
  await expect(saved).toBeFocused();
  await expect(saved).toBeInViewport();
  await expect(page.getByLabel('Policy for draft_external')).toHaveValue('never');
  // Leave Marcus as he was.
  await page.getByLabel('Policy for draft_external').selectOption('');
  await page.getByRole('button', { name: 'Save tool policies' }).click();
  await expect(page.getByLabel('Policy for draft_external')).toHaveValue('');
});

test('an organization the user cannot open says so, and leads back to their organizations', async ({ page }) => {
  const response = await page.goto(`/orgs/not-mine-${unique()}/tasks`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'You do not have access to this organization' })).toBeVisible();
  // Checked by its address, not followed: the 404's console line must be read on this page.
  await expect(page.getByRole('link', { name: 'Your organizations' })).toHaveAttribute('href', '/orgs');
});
