/**
 * MCP connections in the browser: an admin adds the local MCP server (tests/fakes/mcp-server.ts,
 * started here) in Settings → Connections and sees its tools; Sable, on the simulated model,
 * searches the tracker on her own and asks before opening an issue; the call waits on the
 * Approvals page with its exact arguments, and once approved both runs show in the trace.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { LOCAL_DEMO_ORG, LOCAL_DEMO_USER } from '../../core/seed';
import { FAKE_MCP_TOKEN, startFakeMcp } from '../fakes/mcp-server';
import { expect, fromNewAddress, test } from './fixtures';

const BASE = `/orgs/${LOCAL_DEMO_ORG.slug}`;
const unique = () => crypto.randomUUID().slice(0, 8);

type Session = Awaited<ReturnType<BrowserContext['storageState']>>;
let session: Session | undefined;
let mcp: Awaited<ReturnType<typeof startFakeMcp>>;

test.beforeAll(async ({ browser }, testInfo) => {
  mcp = await startFakeMcp();
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  await fromNewAddress(context);
  const page = await context.newPage();
  await page.goto(`${BASE}/settings/connections`);
  await page.getByLabel('Email').fill(LOCAL_DEMO_USER.email);
  await page.getByLabel('Password').fill(LOCAL_DEMO_USER.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${BASE}/settings/connections`);
  session = await context.storageState();
  await context.close();
});

test.afterAll(async () => {
  await mcp?.close();
});

test.use({ storageState: async ({}, use) => use(session!) });

const headerStatus = (page: Page, status: string) =>
  page.locator('main header').first().getByText(status, { exact: true });

test('an admin connects an MCP server; Sable uses its tools and the write call waits for approval, all in the trace', async ({
  page,
}) => {
  test.setTimeout(60_000);
  // A retry runs against the same org, where the first attempt's connection may still exist.
  const attempt = test.info().retry;
  const slug = attempt ? `tracker${attempt}` : 'tracker';
  const name = attempt ? `Issue tracker ${attempt}` : 'Issue tracker';
  await page.goto(`${BASE}/settings/connections`);
  await expect(page.getByRole('heading', { name: 'MCP connections' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Slug (tool prefix)').fill(slug);
  await page.getByLabel('Server URL').fill(`${mcp.url}/mcp`);
  await page.getByLabel('Token').fill(FAKE_MCP_TOKEN);
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByText(`Added ${name}. Connected: 5 tool(s).`)).toBeVisible();
  const tools = page.getByRole('list', { name: `Tools of ${name}` });
  await expect(tools.getByText(`${slug}__create_issue`)).toBeVisible();
  await expect(tools.getByText(`${slug}__search_issues`)).toBeVisible();
  // The token never comes back to the page: only its last four characters.
  const connection = page
    .getByRole('list', { name: 'Connections' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('button', { name: `Test ${name}`, exact: true }) });
  await expect(connection.getByText(`…${FAKE_MCP_TOKEN.slice(-4)}`)).toBeVisible();
  expect(await page.content()).not.toContain(FAKE_MCP_TOKEN);

  // The agent page lists the MCP tools with their defaults from the annotations.
  await page.goto(`${BASE}/agents/sable`);
  await expect(page.getByTestId(`policy-${slug}__create_issue`).getByRole('combobox')).toHaveValue('');
  await expect(page.getByTestId(`policy-${slug}__create_issue`)).toContainText('Default (ask)');
  await expect(page.getByTestId(`policy-${slug}__search_issues`)).toContainText('Default (auto)');

  // Sable searches on her own, then asks before opening the issue.
  const title = `Add caching ${unique()}`;
  const description = `Triage PR #42: ${slug}__search_issues {"query": "caching"} then ${slug}__create_issue {"title": "${title}"}`;
  await page.goto(`${BASE}/tasks`);
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Agent', { exact: true }).selectOption('sable');
  await dialog.getByLabel('Description').fill(description);
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await page.getByRole('status').getByRole('link').first().click();
  // On the task's own page first: the board's folded "Awaiting approval" column reads the same.
  await expect(page).toHaveURL(/\/tasks\/tsk_/);
  await expect(headerStatus(page, 'Awaiting approval')).toBeVisible({ timeout: 15_000 });
  const taskPage = page.url();
  const first = page.getByRole('list', { name: 'Trace of attempt 1' });
  await expect(first.getByText(`${slug}__search_issues`).first()).toBeVisible();
  await expect(first.getByText('Found 2 issues')).toBeVisible();
  await expect(first.getByText(`${slug}__create_issue`).first()).toBeVisible();
  expect(mcp.calls.filter((c) => c.tool === 'create_issue' && c.args.title === title)).toHaveLength(0);

  // The exact call waits on the Approvals page.
  await page.goto(`${BASE}/approvals`);
  const card = page.getByRole('article').filter({ hasText: title });
  await expect(card).toContainText(`${slug}__create_issue`);
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByText('Approved: the agent continues.')).toBeVisible();
  // The card and its buttons are gone: focus is on the answer, not lost to the page.
  await expect(page.getByRole('status').filter({ hasText: 'Approved: the agent continues.' })).toBeFocused();

  // Back to the task by its address: going back through the history raced the approval's
  // own navigation and was aborted now and then.
  await page.goto(taskPage);
  await expect(headerStatus(page, 'Completed')).toBeVisible({ timeout: 15_000 });
  const second = page.getByRole('list', { name: 'Trace of attempt 2' });
  await expect(second.getByText(`Created issue #101: ${title}`).first()).toBeVisible();
  expect(mcp.calls.filter((c) => c.tool === 'create_issue' && c.args.title === title)).toHaveLength(1);
});
