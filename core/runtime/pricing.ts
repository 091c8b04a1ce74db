/**
 * Model prices in US dollars per million tokens: the one place cost is computed from.
 * Unknown models are charged at the default model's price and flagged in the run.
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

/** Cost in integer micro-dollars: tokens × ($ per MTok) is exactly micro-dollars per token. */
export function costMicroUsd(model: string, inputTokens: number, outputTokens: number): number {
  const price = MODEL_PRICES[model] ?? MODEL_PRICES[DEFAULT_MODEL]!;
  return Math.round(inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok);
}
