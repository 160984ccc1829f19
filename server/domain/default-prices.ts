/**
 * The price list a new hub starts with, for current Claude, GPT and Gemini models, in USD per
 * token (LiteLLM field names). Figures are the vendors' public list prices (Anthropic's
 * "Pricing" page, OpenAI's API pricing page, Google's Gemini API pricing page) as published
 * in late 2025; the LiteLLM sync and manual edits in the dashboard keep them current.
 * Models whose price is not published here are served and logged with no cost, and flagged.
 */
import type { PriceData } from "./prices.ts";

const M = 1e-6; // prices below are written per million tokens

interface Row {
  input: number;
  output: number;
  /** 5-minute cache write; derived (1.25× input) when absent. */
  write5m?: number;
  /** 1-hour cache write; derived (2× input) when absent. */
  write1h?: number;
  read?: number;
  above200k?: { input: number; output: number; write5m?: number; write1h?: number; read?: number };
  provider: "anthropic" | "openai" | "gemini";
}

function price(row: Row): PriceData {
  const data: PriceData = {
    litellm_provider: row.provider,
    mode: "chat",
    input_cost_per_token: row.input * M,
    output_cost_per_token: row.output * M,
  };
  if (row.write5m !== undefined) data.cache_creation_input_token_cost = row.write5m * M;
  if (row.write1h !== undefined) data.cache_creation_input_token_cost_above_1hr = row.write1h * M;
  if (row.read !== undefined) data.cache_read_input_token_cost = row.read * M;
  if (row.above200k) {
    data.input_cost_per_token_above_200k_tokens = row.above200k.input * M;
    data.output_cost_per_token_above_200k_tokens = row.above200k.output * M;
    if (row.above200k.write5m !== undefined) data.cache_creation_input_token_cost_above_200k_tokens = row.above200k.write5m * M;
    if (row.above200k.write1h !== undefined) data.cache_creation_input_token_cost_above_1hr_above_200k_tokens = row.above200k.write1h * M;
    if (row.above200k.read !== undefined) data.cache_read_input_token_cost_above_200k_tokens = row.above200k.read * M;
  }
  return data;
}

const opus4: Row = { provider: "anthropic", input: 15, output: 75, write5m: 18.75, write1h: 30, read: 1.5 };
const opus45: Row = { provider: "anthropic", input: 5, output: 25, write5m: 6.25, write1h: 10, read: 0.5 };
const sonnet4: Row = {
  provider: "anthropic",
  input: 3,
  output: 15,
  write5m: 3.75,
  write1h: 6,
  read: 0.3,
  // Sonnet 4 and 4.5 charge the long-context rate for requests above 200k prompt tokens.
  above200k: { input: 6, output: 22.5, write5m: 7.5, write1h: 12, read: 0.6 },
};
const sonnet46: Row = { provider: "anthropic", input: 3, output: 15, write5m: 3.75, write1h: 6, read: 0.3 };
const haiku45: Row = { provider: "anthropic", input: 1, output: 5, write5m: 1.25, write1h: 2, read: 0.1 };
const haiku35: Row = { provider: "anthropic", input: 0.8, output: 4, write5m: 1, write1h: 1.6, read: 0.08 };

const gpt5: Row = { provider: "openai", input: 1.25, output: 10, read: 0.125 };
const gpt5mini: Row = { provider: "openai", input: 0.25, output: 2, read: 0.025 };
const gpt5nano: Row = { provider: "openai", input: 0.05, output: 0.4, read: 0.005 };

const ROWS: Record<string, Row> = {
  "claude-opus-4-6": opus45,
  "claude-opus-4-5": opus45,
  "claude-opus-4-5-20251101": opus45,
  "claude-opus-4-1": opus4,
  "claude-opus-4-1-20250805": opus4,
  "claude-opus-4-0": opus4,
  "claude-opus-4-20250514": opus4,
  "claude-sonnet-4-6": sonnet46,
  "claude-sonnet-4-5": sonnet4,
  "claude-sonnet-4-5-20250929": sonnet4,
  "claude-sonnet-4-0": sonnet4,
  "claude-sonnet-4-20250514": sonnet4,
  "claude-3-7-sonnet-20250219": { ...sonnet4, above200k: undefined },
  "claude-haiku-4-5": haiku45,
  "claude-haiku-4-5-20251001": haiku45,
  "claude-3-5-haiku-20241022": haiku35,

  "gpt-5.1": gpt5,
  "gpt-5.1-codex": gpt5,
  "gpt-5": gpt5,
  "gpt-5-codex": gpt5,
  "gpt-5-mini": gpt5mini,
  "gpt-5-nano": gpt5nano,
  "gpt-4.1": { provider: "openai", input: 2, output: 8, read: 0.5 },
  "gpt-4.1-mini": { provider: "openai", input: 0.4, output: 1.6, read: 0.1 },
  "gpt-4o": { provider: "openai", input: 2.5, output: 10, read: 1.25 },
  "gpt-4o-mini": { provider: "openai", input: 0.15, output: 0.6, read: 0.075 },
  o3: { provider: "openai", input: 2, output: 8, read: 0.5 },
  "o4-mini": { provider: "openai", input: 1.1, output: 4.4, read: 0.275 },

  "gemini-3-pro-preview": {
    provider: "gemini",
    input: 2,
    output: 12,
    read: 0.2,
    above200k: { input: 4, output: 18, read: 0.4 },
  },
  "gemini-2.5-pro": {
    provider: "gemini",
    input: 1.25,
    output: 10,
    read: 0.125,
    above200k: { input: 2.5, output: 15, read: 0.25 },
  },
  "gemini-2.5-flash": { provider: "gemini", input: 0.3, output: 2.5, read: 0.03 },
  "gemini-2.5-flash-lite": { provider: "gemini", input: 0.1, output: 0.4, read: 0.01 },
};

export const DEFAULT_PRICES: ReadonlyArray<{ modelName: string; priceData: PriceData }> = Object.entries(ROWS).map(
  ([modelName, row]) => ({ modelName, priceData: price(row) }),
);
