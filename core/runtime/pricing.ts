/**
 * Model prices in US dollars per million tokens: the one place cost is computed from, and the
 * allow-list of models an agent may use (AgentInput/AgentPatch refuse any other name). A model
 * not in this table (an agent stored before the list) is charged at the highest price here.
 */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

export const MODEL_PRICES: Record<string, { inputPerMTok: number; outputPerMTok: number }> = {
  'claude-sonnet-5-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-haiku-5-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-opus-5-5': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'simulated-1': { inputPerMTok: 0, outputPerMTok: 0 },
};

/** The models an agent may be given (every priced model but the simulated one). */
export const AGENT_MODELS = Object.keys(MODEL_PRICES).filter((model) => model !== 'simulated-1') as [
  string,
  ...string[],
];

/** The price of a model not in the table: the most expensive one, never a cheaper guess. */
const UNKNOWN_MODEL_PRICE = Object.values(MODEL_PRICES).reduce((max, price) =>
  price.inputPerMTok + price.outputPerMTok > max.inputPerMTok + max.outputPerMTok ? price : max,
);

/** Cost in integer micro-dollars: tokens × ($ per MTok) is exactly micro-dollars per token. */
export function costMicroUsd(model: string, inputTokens: number, outputTokens: number): number {
  const price = MODEL_PRICES[model] ?? UNKNOWN_MODEL_PRICE;
  return Math.round(inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok);
}

/** Anthropic's web search: $10 per 1,000 searches (web fetch costs only the tokens it adds). */
export const WEB_SEARCH_MICRO_USD_PER_REQUEST = 10_000;

/** Cost of server-tool requests in micro-dollars, on top of the tokens. */
export function serverToolCostMicroUsd(usage: { webSearchRequests: number }): number {
  return usage.webSearchRequests * WEB_SEARCH_MICRO_USD_PER_REQUEST;
}
