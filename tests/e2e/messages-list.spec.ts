/**
 * The Messages thread list and thread header show a thread's subject as plain text (it is cut
 * from a Markdown message), and a preview names its author only when that is not the thread's
 * own agent, whose name is already above it.
 */
import { LOCAL_DEMO_ORG } from '../../core/seed';
import { demoSessionOnce, expect, test } from './fixtures';

const MESSAGES = `/orgs/${LOCAL_DEMO_ORG.slug}/messages`;

const session = demoSessionOnce(MESSAGES);

test.use({ storageState: async ({}, use) => use(session()) });

test('a thread’s subject shows without Markdown syntax, and its agent’s reply is previewed without repeating its name', async ({
  page,
}) => {
  test.setTimeout(45_000);
  await page.goto(MESSAGES);
  const topic = `caching layer ${crypto.randomUUID().slice(0, 8)}`;
  await page.getByLabel('To').selectOption('sable');
  await page.getByLabel('Message', { exact: true }).fill(`Hi Sable, can you review the **${topic}**?`);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page).toHaveURL(new RegExp(`${MESSAGES}/thr_`));

  const subject = `Hi Sable, can you review the ${topic}?`;
  await expect(page.getByRole('heading', { level: 2, name: subject, exact: true })).toBeVisible();
  await expect(page).toHaveTitle(`${subject} · Messages · Generic Corp`);
  const listed = page.getByRole('link').filter({ hasText: topic });
  await expect(listed).toContainText(subject);

  // Sable answers when her task completes; the list refreshes itself.
  await expect(listed).not.toContainText('is on it…', { timeout: 15_000 });
  await expect(listed).toContainText('Sable completed');
  await expect(listed).not.toContainText('Sable: ');
});
