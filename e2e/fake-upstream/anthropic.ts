/**
 * Anthropic Messages API: `POST /v1/messages` (JSON and SSE) and `POST /v1/messages/count_tokens`.
 *
 * Stream order, as the API sends it and as the SDK's MessageStream accumulates it:
 * message_start → ping → per block (content_block_start → content_block_delta… →
 * content_block_stop) → message_delta → message_stop.
 */
import { splitIntoPieces, type ResolvedShape, type ResolvedUsage } from './behaviours.ts';
import type { ResolvedError } from './errors.ts';
import { opaqueBlob, randomId, sseEvent, type GenerationContext, type StreamEvent, type StreamPlan } from './plan.ts';

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-6';

/** A content block of the final message, in the order it is generated. */
type Block =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function planBlocks(shape: ResolvedShape): Block[] {
  const blocks: Block[] = [];
  if (shape.thinking) blocks.push({ type: 'thinking', thinking: shape.thinking, signature: opaqueBlob(64) });
  // The API always returns at least one block; an empty text block is what it sends for "no text".
  if (shape.text || !shape.toolCall) blocks.push({ type: 'text', text: shape.text });
  if (shape.toolCall) {
    blocks.push({ type: 'tool_use', id: shape.toolCall.id ?? randomId('toolu_01', 22), name: shape.toolCall.name, input: shape.toolCall.input });
  }
  return blocks;
}

function stopReason(shape: ResolvedShape): 'tool_use' | 'end_turn' {
  return shape.toolCall ? 'tool_use' : 'end_turn';
}

/** The input side of the usage object (identical in message_start, message_delta and JSON). */
function inputUsage(u: ResolvedUsage) {
  return {
    input_tokens: u.inputTokens,
    cache_creation_input_tokens: u.cacheCreation5mTokens + u.cacheCreation1hTokens,
    cache_read_input_tokens: u.cacheReadTokens,
  };
}

function fullUsage(u: ResolvedUsage, outputTokens: number) {
  return {
    ...inputUsage(u),
    cache_creation: { ephemeral_5m_input_tokens: u.cacheCreation5mTokens, ephemeral_1h_input_tokens: u.cacheCreation1hTokens },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

function messageEnvelope(ctx: GenerationContext, id: string) {
  return { id, type: 'message', role: 'assistant', model: ctx.model };
}

/** The non-streaming Message object. */
export function anthropicMessageJson(ctx: GenerationContext): unknown {
  const blocks = planBlocks(ctx.shape);
  return {
    ...messageEnvelope(ctx, randomId('msg_01', 22)),
    content: blocks,
    stop_reason: stopReason(ctx.shape),
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: fullUsage(ctx.shape.usage, ctx.shape.usage.outputTokens),
  };
}

/** The SSE event sequence of a Message. */
export function anthropicMessageStream(ctx: GenerationContext): StreamPlan {
  const { shape } = ctx;
  const usage = shape.usage;
  const events: StreamEvent[] = [];
  const push = (type: string, payload: Record<string, unknown>, delayBeforeMs?: number) =>
    events.push({ data: sseEvent(JSON.stringify({ type, ...payload }), type), delayBeforeMs });

  push('message_start', {
    message: {
      ...messageEnvelope(ctx, randomId('msg_01', 22)),
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      // The API reports the input side up front and a token or so of output; the final output
      // count only arrives in message_delta.
      usage: fullUsage(usage, Math.min(1, usage.outputTokens)),
    },
  });
  push('ping', {});

  planBlocks(shape).forEach((block, index) => {
    switch (block.type) {
      case 'thinking':
        push('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        for (const piece of shape.thinkingPieces) push('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } });
        push('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } });
        break;
      case 'text':
        push('content_block_start', { index, content_block: { type: 'text', text: '' } });
        shape.textPieces.forEach((piece, i) =>
          push('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }, i > 0 ? shape.chunkDelayMs : undefined));
        break;
      case 'tool_use': {
        push('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        // The API opens every tool_use block with an empty partial_json.
        for (const piece of ['', ...splitIntoPieces(JSON.stringify(block.input), 3)]) {
          push('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
        }
        break;
      }
    }
    push('content_block_stop', { index });
  });

  push('message_delta', {
    delta: { stop_reason: stopReason(shape), stop_sequence: null, stop_details: null },
    // Cumulative totals, input side included (the SDK overwrites its snapshot with them).
    usage: { ...inputUsage(usage), output_tokens: usage.outputTokens },
  });
  push('message_stop', {});

  return {
    contentType: 'text/event-stream; charset=utf-8',
    events,
    truncated: events.slice(0, -1),
    errorEvent: (_before: number, err: ResolvedError) => ({
      data: sseEvent(JSON.stringify({ type: 'error', error: { type: err.type, message: err.message } }), 'error'),
    }),
  };
}

/** `POST /v1/messages/count_tokens` answer. */
export function anthropicCountTokensJson(inputTokens: number): unknown {
  return { input_tokens: inputTokens };
}

/** `GET /v1/models` in Anthropic's shape (chosen when the request has `anthropic-version`). */
export function anthropicModelList(models: readonly string[]): unknown {
  const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
