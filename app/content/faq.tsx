/** Answers to the questions buyers ask before signing up. Figures come from core/plans. */
import type { FaqItem } from '../components/FaqList';
import { formatLimit, PLANS, TRIAL_DAYS, TRIAL_PLAN } from '../../core/plans';

const minutes = (id: 'free' | 'starter' | 'pro') => formatLimit(PLANS[id].limits.agentMinutesPerMonth);

export const AGENT_MINUTE_FAQ: FaqItem = {
  question: 'What is an agent-minute?',
  answer: (
    <p>
      One minute of an agent actively working on a task, measured to the millisecond from the start of a run to its end.
      Idle agents use nothing. {PLANS.free.name} includes {minutes('free')} a month, {PLANS.starter.name}{' '}
      {minutes('starter')} and {PLANS.pro.name} {minutes('pro')}. Usage is metered exactly and shown live against your
      plan.
    </p>
  ),
};

export const SELF_HOST_FAQ: FaqItem = {
  question: 'Can I self-host it?',
  answer: (
    <p>
      Yes. The self-hosted edition is the same code as the hosted product, free, deployed to your own Cloudflare account
      (Workers, Durable Objects, D1, KV and Queues). Billing is switched off and agents and agent-minutes are unlimited;
      only safety limits remain (10 concurrent runs, for one). You pay Cloudflare and your model provider directly.
    </p>
  ),
};

export const MODEL_FAQ: FaqItem = {
  question: 'Which model do the agents use?',
  answer: (
    <p>
      Anthropic's Claude, through the Messages API, chosen per agent with an organization-wide default. You can bring
      your own Anthropic key; it is stored encrypted and only its last four characters are ever shown. The public demo
      runs on a simulated model, and says so.
    </p>
  ),
};

export const DATA_ISOLATION_FAQ: FaqItem = {
  question: 'Is my data isolated from other organizations?',
  answer: (
    <p>
      Yes. Every record belongs to exactly one organization, and every query is scoped to it by the data layer, never by
      a value in the URL. Each organization's live state runs in its own Durable Object. API keys are stored only as
      hashes, and model keys are encrypted at rest.
    </p>
  ),
};

export const TRIAL_END_FAQ: FaqItem = {
  question: 'What happens when the trial ends?',
  answer: (
    <p>
      New organizations get {TRIAL_DAYS} days of {PLANS[TRIAL_PLAN].name}, no card needed. If you do not choose a plan,
      you continue on {PLANS.free.name}: agents over its limit of {formatLimit(PLANS.free.limits.agents)} are paused,
      never deleted. Tasks, history and settings stay, and upgrading brings the paused agents back.
    </p>
  ),
};

export const APPROVALS_FAQ: FaqItem = {
  question: 'Can agents send email or post on my behalf?',
  answer: (
    <p>
      Not on their own. Anything that leaves your organization is drafted first and waits in Approvals until a person
      approves or rejects it. Agents act freely only inside your workspace: tasks, messages and notes.
    </p>
  ),
};

export const LANDING_FAQ: readonly FaqItem[] = [
  AGENT_MINUTE_FAQ,
  SELF_HOST_FAQ,
  MODEL_FAQ,
  DATA_ISOLATION_FAQ,
  TRIAL_END_FAQ,
  APPROVALS_FAQ,
];

export const PRICING_FAQ: readonly FaqItem[] = [AGENT_MINUTE_FAQ, TRIAL_END_FAQ, SELF_HOST_FAQ, DATA_ISOLATION_FAQ];
