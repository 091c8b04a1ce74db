/** Pure pieces of monitoring, email and the ops views. */
import { describe, expect, it } from 'vitest';
import { plainText, renderEmail } from '../../core/email/templates';
import { redactUrl } from '../../core/log';
import { scrubEvent, sentryOptions } from '../../core/monitoring';
import { ratesFrom } from '../../core/ops-metrics';
import { parseDraft } from '../../durable-objects/external-email';
// @ts-expect-error -- a plain ESM script without type declarations
import { funnelFrom } from '../../scripts/ops/funnel.mjs';

describe('redaction for error monitoring', () => {
  it('drops query strings and the tokens of emailed links', () => {
    expect(redactUrl('https://app.example.com/reset-password/abc123?x=1')).toBe(
      'https://app.example.com/reset-password/[redacted]',
    );
    expect(redactUrl('/invitations/tok/accept')).toBe('/invitations/[redacted]/accept');
    expect(redactUrl('/api/invitations/tok/accept')).toBe('/api/invitations/[redacted]/accept');
    expect(redactUrl('/verify-email/tok.data')).toBe('/verify-email/[redacted]');
    expect(redactUrl('/orgs/acme?token=secret')).toBe('/orgs/acme');
  });

  it('keeps harmless headers only, no user email, secret-looking fields redacted', () => {
    const event = scrubEvent({
      request: {
        url: 'https://app.test/verify-email/tok?api_key=1',
        headers: { cookie: 'gc_session=x', authorization: 'Bearer y', 'user-agent': 'UA', 'x-request-id': 'r1' },
        data: '{"password":"p"}',
      },
      user: { id: 'usr_1', email: 'a@example.com', ip_address: '1.2.3.4' },
      extra: { apiKey: 'k', note: 'fine' },
    });
    expect(event.request).toEqual({
      url: 'https://app.test/verify-email/[redacted]',
      headers: { 'user-agent': 'UA', 'x-request-id': 'r1' },
    });
    expect(event.user).toEqual({ id: 'usr_1' });
    expect(event.extra).toEqual({ apiKey: '[redacted]', note: 'fine' });
  });

  it('is off without a DSN and reads sampling from the env', () => {
    expect(sentryOptions({}).enabled).toBe(false);
    const options = sentryOptions({
      SENTRY_DSN: 'https://k@o.ingest.sentry.io/1',
      SENTRY_SAMPLE_RATE: '0.5',
      APP_ENV: 'production',
    });
    expect(options).toMatchObject({
      sampleRate: 0.5,
      tracesSampleRate: 0,
      environment: 'production',
      release: 'generic-corp@unversioned',
    });
  });
});

describe('email', () => {
  it('renders HTML and a plain-text alternative with the link', async () => {
    const email = await renderEmail({
      template: 'password_reset',
      props: { name: 'Ada', url: 'https://app.test/reset-password/abc' },
    });
    expect(email.subject).toBe('Reset your Generic Corp password');
    expect(email.html).toMatch(/^<!DOCTYPE html/);
    expect(email.text).toContain('Hi Ada');
    expect(email.text).toContain('https://app.test/reset-password/abc');
    expect(email.text).not.toContain('<');
  });

  it('the plain text of every email is clean: no entity codes, no Outlook spacers, the button apart', async () => {
    const email = await renderEmail({
      template: 'invitation',
      props: { organization: 'Acme', inviter: 'Dana', role: 'member', url: 'https://app.test/invite/xyz' },
    });
    expect(email.text).not.toMatch(/&#?\w+;/);
    expect(email.text).not.toMatch(/[\u200a\u200b]/);
    // The button is a line of its own, then the fallback link in the next paragraph.
    expect(email.text).toContain(
      'Accept the invitation https://app.test/invite/xyz\n\nOr open this link: https://app.test/invite/xyz',
    );
  });

  it('plain text decodes entities, keeps link targets and drops the preview line', async () => {
    expect(
      await plainText(
        '<div data-skip-in-text="true">Preview</div><p>A &amp; B &#8212; C</p><p><a href="https://x.test">Go</a></p>',
      ),
    ).toBe('A & B \u2014 C\n\nGo https://x.test');
  });

  it('reads an external draft as draft_external stored it', () => {
    expect(parseDraft('Channel: email\nTo: a@example.com\nSubject: Hi\n\nLine one\n\nLine two')).toEqual({
      channel: 'email',
      to: 'a@example.com',
      subject: 'Hi',
      body: 'Line one\n\nLine two',
    });
    expect(parseDraft('Channel: post\nTo: twitter\n\nHello')?.subject).toBeNull();
    expect(parseDraft('no header')).toBeNull();
  });
});

describe('ops views', () => {
  it('error and run success rates from counters', () => {
    const rates = ratesFrom([
      { event: 'request', detail: '2xx', n: 97 },
      { event: 'request', detail: '5xx', n: 3 },
      { event: 'run_finished', detail: 'completed', n: 9 },
      { event: 'run_finished', detail: 'failed', n: 1 },
      { event: 'run_finished', detail: 'cancelled', n: 5 },
    ]);
    expect(rates.errorRate).toEqual({ rate: 0.03, count: 3, total: 100 });
    expect(rates.runSuccessRate).toEqual({ rate: 0.9, count: 9, total: 10 });
    expect(ratesFrom([])).toEqual({ errorRate: null, runSuccessRate: null });
  });

  it('the funnel counts orgs of the cohort at each step', () => {
    const funnel = funnelFrom([
      { event: 'signup', org: 'o1', n: 1 },
      { event: 'signup', org: 'o2', n: 1 },
      { event: 'org_created', org: 'o1', n: 1 },
      { event: 'org_created', org: 'o2', n: 1 },
      { event: 'task_given', org: 'o1', n: 4 },
      { event: 'task_given', org: 'demo', n: 2 },
      { event: 'task_completed', org: 'o1', n: 3 },
      { event: 'demo_created', org: 'demo', n: 1 },
    ]);
    expect(funnel.signups).toBe(2);
    expect(funnel.orgs).toBe(2);
    expect(funnel.steps.find((s: { event: string }) => s.event === 'task_given').orgs).toBe(1);
    expect(funnel.steps.find((s: { event: string }) => s.event === 'task_completed').orgs).toBe(1);
    expect(funnel.demo).toEqual({ created: 1, converted: 0 });
  });
});
