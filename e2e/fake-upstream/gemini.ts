/**
 * Gemini API (`/v1beta/models/{model}:generateContent | :streamGenerateContent | :countTokens`,
 * `GET /v1beta/models`) and Code Assist, the wrapped variant Gemini CLI uses with Google login
 * (`/v1internal:generateContent | :streamGenerateContent | :countTokens`).
 *
 * Streaming: every chunk is a complete GenerateContentResponse fragment. With `alt=sse` they are
 * `data: {…}\r\n\r\n` events; without it the body is one JSON array written element by element.
 * The last chunk carries `finishReason: "STOP"` and the final `usageMetadata`; earlier chunks
 * carry only the prompt-side counts (the API repeats/updates usage per chunk; clients use the
 * last). Function calls arrive as whole `functionCall` parts and still end with STOP.
 */
import { promptTotal, type ResolvedUsage } from './behaviours.ts';
import { errorEnvelope, type ResolvedError } from './errors.ts';
import { opaqueBlob, randomId, sseEvent, type GenerationContext, type StreamEvent, type StreamPlan } from './plan.ts';

export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-flash';

type Part = Record<string, unknown>;
type Chunk = Record<string, unknown>;

/** The final usageMetadata. */
function finalUsage(u: ResolvedUsage) {
  const prompt = promptTotal(u);
  const thoughts = Math.min(u.reasoningTokens, u.outputTokens);
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: u.outputTokens - thoughts,
    ...(u.cacheReadTokens > 0 ? { cachedContentTokenCount: u.cacheReadTokens } : {}),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    totalTokenCount: prompt + u.outputTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
    ...(u.cacheReadTokens > 0 ? { cacheTokensDetails: [{ modality: 'TEXT', tokenCount: u.cacheReadTokens }] } : {}),
  };
}

/** The usage repeated on intermediate chunks: only the prompt side is known yet. */
function partialUsage(u: ResolvedUsage) {
  const prompt = promptTotal(u);
  return {
    promptTokenCount: prompt,
    ...(u.cacheReadTokens > 0 ? { cachedContentTokenCount: u.cacheReadTokens } : {}),
    totalTokenCount: prompt,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
  };
}

/** The parts of the answer, one array per streamed chunk. */
function planChunkParts(ctx: GenerationContext): Part[][] {
  const { shape } = ctx;
  const chunks: Part[][] = [];
  if (shape.thinking) chunks.push([{ text: shape.thinking, thought: true }]);
  for (const piece of shape.textPieces) chunks.push([{ text: piece }]);
  if (shape.toolCall) chunks.push([{ functionCall: { name: shape.toolCall.name, args: shape.toolCall.input } }]);
  if (chunks.length === 0 || chunks.every((parts) => parts.every((p) => p.thought === true))) chunks.push([{ text: '' }]);
  if (shape.thinking) {
    // Thinking models sign the first non-thought part; clients must echo the signature back.
    const first = chunks.find((parts) => parts[0].thought !== true);
    if (first) first[0].thoughtSignature = opaqueBlob(48);
  }
  return chunks;
}

function responseChunk(ctx: GenerationContext, responseId: string, parts: Part[], last: boolean, complete: boolean): Chunk {
  const candidate: Record<string, unknown> = { content: { parts, role: 'model' }, index: 0 };
  if (last && complete) candidate.finishReason = 'STOP';
  return {
    candidates: [candidate],
    usageMetadata: last && complete ? finalUsage(ctx.shape.usage) : partialUsage(ctx.shape.usage),
    modelVersion: ctx.model,
    responseId,
  };
}

/** Code Assist wraps each GenerateContentResponse as `{response, traceId}`. */
function wrapForCodeAssist(chunk: Chunk, traceId: string): Chunk {
  return { response: chunk, traceId };
}

/** The non-streaming GenerateContentResponse (wrapped for Code Assist). */
export function generateContentJson(ctx: GenerationContext, codeAssist: boolean): unknown {
  const parts = planChunkParts(ctx).flat();
  // Merge consecutive plain-text parts, as a non-streaming answer has one text part.
  const merged: Part[] = [];
  for (const part of parts) {
    const prev = merged.at(-1);
    if (prev && typeof prev.text === 'string' && typeof part.text === 'string' && !prev.thought && !part.thought && !part.thoughtSignature) {
      prev.text += part.text;
    } else {
      merged.push({ ...part });
    }
  }
  const chunk = responseChunk(ctx, randomId('', 22), merged, true, true);
  return codeAssist ? wrapForCodeAssist(chunk, randomId('', 16, 'hex')) : chunk;
}

/**
 * The chunks of `:streamGenerateContent`, as SSE (`alt=sse`) or as a streamed JSON array.
 */
export function streamGenerateContent(ctx: GenerationContext, opts: { sse: boolean; codeAssist: boolean }): StreamPlan {
  const responseId = randomId('', 22);
  const traceId = randomId('', 16, 'hex');
  const chunkParts = planChunkParts(ctx);
  const encode = (chunk: Chunk): string => {
    const json = JSON.stringify(opts.codeAssist ? wrapForCodeAssist(chunk, traceId) : chunk);
    return opts.sse ? sseEvent(json, undefined, '\r\n') : json;
  };
  // Text deltas are delayed by chunkDelayMs, like the other formats (the first one is not).
  const firstTextChunk = ctx.shape.thinking ? 1 : 0;
  const build = (complete: boolean): StreamEvent[] =>
    chunkParts.map((parts, i) => ({
      data: encode(responseChunk(ctx, responseId, parts, i === chunkParts.length - 1, complete)),
      delayBeforeMs: i > firstTextChunk && i < firstTextChunk + ctx.shape.textPieces.length ? ctx.shape.chunkDelayMs : undefined,
    }));

  return {
    contentType: opts.sse ? 'text/event-stream' : 'application/json; charset=UTF-8',
    events: build(true),
    // Truncated: same content, but the last chunk lacks finishReason and the final usage.
    truncated: build(false),
    errorEvent: (_before: number, err: ResolvedError) => {
      const json = JSON.stringify(errorEnvelope('google', err, ctx.requestId));
      return { data: opts.sse ? sseEvent(json, undefined, '\r\n') : json };
    },
    framing: opts.sse ? undefined : { open: '[', separator: ',\r\n', close: ']' },
  };
}

/** `:countTokens` answer (Code Assist answers with `totalTokens` only). */
export function countTokensJson(totalTokens: number, codeAssist: boolean): unknown {
  return codeAssist ? { totalTokens } : { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] };
}

/** One model of `GET /v1beta/models`. */
export function geminiModel(id: string): unknown {
  return {
    name: `models/${id}`,
    version: '001',
    displayName: id,
    description: `Fake ${id}`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

/** `GET /v1beta/models`. */
export function geminiModelList(models: readonly string[]): unknown {
  return { models: models.map(geminiModel) };
}
