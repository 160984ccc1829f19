/**
 * OpenAI Responses API: `POST /v1/responses` (JSON and SSE), `POST /v1/responses/compact`, and the
 * event objects reused by the WebSocket transport (websocket.ts).
 *
 * Stream: `event: <type>` + `data: <json>` with a strictly increasing `sequence_number` and no
 * `[DONE]`: response.created → response.in_progress → per output item (output_item.added …
 * output_item.done) → response.completed. Codex rebuilds history from `output_item.done`, so
 * those events carry complete items.
 */
import { promptTotal, splitIntoPieces, type ResolvedUsage } from './behaviours.ts';
import type { ResolvedError } from './errors.ts';
import { opaqueBlob, randomId, sseEvent, unixSeconds, type GenerationContext, type StreamEvent, type StreamPlan } from './plan.ts';

/** A Responses stream event object (before SSE or WebSocket framing). */
export interface ResponsesEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

type OutputItem = Record<string, unknown> & { id: string; type: string };

function responsesUsage(u: ResolvedUsage) {
  const input = promptTotal(u);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cacheReadTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens },
    total_tokens: input + u.outputTokens,
  };
}

const ZERO_USAGE = responsesUsage({ inputTokens: 0, outputTokens: 0, cacheCreation5mTokens: 0, cacheCreation1hTokens: 0, cacheReadTokens: 0, reasoningTokens: 0 });

/** The response object; request parameters are echoed back the way the API does. */
function responseObject(ctx: GenerationContext, id: string, createdAt: number) {
  const b = ctx.body;
  const reasoning = (b.reasoning ?? {}) as Record<string, unknown>;
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress' as string,
    background: false,
    error: null as unknown,
    incomplete_details: null,
    instructions: b.instructions ?? null,
    max_output_tokens: b.max_output_tokens ?? null,
    model: ctx.model,
    output: [] as OutputItem[],
    parallel_tool_calls: b.parallel_tool_calls ?? true,
    previous_response_id: b.previous_response_id ?? null,
    prompt_cache_key: b.prompt_cache_key ?? null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    service_tier: 'default',
    store: b.store ?? true,
    temperature: b.temperature ?? 1,
    text: b.text ?? { format: { type: 'text' } },
    tool_choice: b.tool_choice ?? 'auto',
    tools: b.tools ?? [],
    top_p: b.top_p ?? 1,
    truncation: 'disabled',
    usage: null as unknown,
    user: null,
    metadata: b.metadata ?? {},
  };
}

/** Whether the request is a WebSocket warm-up (`generate: false`): no output, zero usage. */
function isWarmUp(ctx: GenerationContext): boolean {
  return ctx.body.generate === false;
}

function wantsEncryptedReasoning(ctx: GenerationContext): boolean {
  return Array.isArray(ctx.body.include) && ctx.body.include.includes('reasoning.encrypted_content');
}

/** The completed output items, in generation order. */
function planItems(ctx: GenerationContext): OutputItem[] {
  const { shape } = ctx;
  if (isWarmUp(ctx)) return [];
  const items: OutputItem[] = [];
  if (shape.thinking) {
    items.push({
      id: randomId('rs_', 48, 'hex'),
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: shape.thinking }],
      ...(wantsEncryptedReasoning(ctx) ? { encrypted_content: opaqueBlob(96) } : {}),
    });
  }
  if (shape.text || !shape.toolCall) {
    items.push({
      id: randomId('msg_', 48, 'hex'),
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', annotations: [], logprobs: [], text: shape.text }],
    });
  }
  if (shape.toolCall) {
    items.push({
      id: randomId('fc_', 48, 'hex'),
      type: 'function_call',
      status: 'completed',
      arguments: JSON.stringify(shape.toolCall.input),
      call_id: shape.toolCall.id ?? randomId('call_', 24),
      name: shape.toolCall.name,
    });
  }
  return items;
}

/** The non-streaming response object (`status: "completed"`). */
export function responseJson(ctx: GenerationContext): unknown {
  const response = responseObject(ctx, randomId('resp_', 48, 'hex'), unixSeconds());
  return {
    ...response,
    status: 'completed',
    completed_at: unixSeconds(),
    output: planItems(ctx),
    usage: isWarmUp(ctx) ? ZERO_USAGE : responsesUsage(ctx.shape.usage),
  };
}

/** The event objects of a streamed response (shared by SSE and WebSocket). */
export function responseEventPlan(ctx: GenerationContext): StreamPlan<ResponsesEvent> {
  const { shape } = ctx;
  const response = responseObject(ctx, randomId('resp_', 48, 'hex'), unixSeconds());
  const events: StreamEvent<ResponsesEvent>[] = [];
  const push = (type: string, payload: Record<string, unknown>, delayBeforeMs?: number) =>
    events.push({ data: { type, sequence_number: events.length, ...payload }, delayBeforeMs });

  push('response.created', { response: structuredClone(response) });
  push('response.in_progress', { response: structuredClone(response) });

  const items = planItems(ctx);
  items.forEach((item, outputIndex) => {
    const ids = { item_id: item.id, output_index: outputIndex };
    switch (item.type) {
      case 'reasoning': {
        push('response.output_item.added', { output_index: outputIndex, item: { id: item.id, type: 'reasoning', summary: [] } });
        push('response.reasoning_summary_part.added', { ...ids, summary_index: 0, part: { type: 'summary_text', text: '' } });
        for (const piece of shape.thinkingPieces) push('response.reasoning_summary_text.delta', { ...ids, summary_index: 0, delta: piece });
        push('response.reasoning_summary_text.done', { ...ids, summary_index: 0, text: shape.thinking });
        push('response.reasoning_summary_part.done', { ...ids, summary_index: 0, part: { type: 'summary_text', text: shape.thinking } });
        break;
      }
      case 'message': {
        const part = { type: 'output_text', annotations: [], logprobs: [], text: '' };
        push('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
        push('response.content_part.added', { ...ids, content_index: 0, part });
        shape.textPieces.forEach((piece, i) =>
          push('response.output_text.delta', { ...ids, content_index: 0, delta: piece, logprobs: [] }, i > 0 ? shape.chunkDelayMs : undefined));
        push('response.output_text.done', { ...ids, content_index: 0, text: shape.text, logprobs: [] });
        push('response.content_part.done', { ...ids, content_index: 0, part: { ...part, text: shape.text } });
        break;
      }
      case 'function_call': {
        const args = item.arguments as string;
        push('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } });
        for (const piece of splitIntoPieces(args, 3)) push('response.function_call_arguments.delta', { ...ids, delta: piece });
        push('response.function_call_arguments.done', { ...ids, name: item.name, arguments: args });
        break;
      }
    }
    push('response.output_item.done', { output_index: outputIndex, item });
  });

  push('response.completed', {
    response: {
      ...structuredClone(response),
      status: 'completed',
      completed_at: unixSeconds(),
      output: items,
      usage: isWarmUp(ctx) ? ZERO_USAGE : responsesUsage(shape.usage),
    },
  });

  return {
    contentType: 'text/event-stream; charset=utf-8',
    events,
    truncated: events.slice(0, -1),
    errorEvent: (before: number, err: ResolvedError) => ({
      data: {
        type: 'response.failed',
        sequence_number: before,
        response: { ...structuredClone(response), status: 'failed', error: { code: err.code ?? err.type, message: err.message } },
      },
    }),
  };
}

/** Frames Responses event objects as SSE (`event:` line + `data:` line). */
export function toSsePlan(plan: StreamPlan<ResponsesEvent>): StreamPlan<string> {
  const frame = (e: StreamEvent<ResponsesEvent>): StreamEvent => ({ data: sseEvent(JSON.stringify(e.data), e.data.type), delayBeforeMs: e.delayBeforeMs });
  return {
    contentType: plan.contentType,
    events: plan.events.map(frame),
    truncated: plan.truncated.map(frame),
    errorEvent: (before, err) => frame(plan.errorEvent(before, err)),
  };
}

/** An `error` frame on the WebSocket transport, carrying the HTTP status it stands for. */
export function websocketErrorFrame(err: ResolvedError): unknown {
  return { type: 'error', status: err.status, error: { type: err.type, code: err.code, message: err.message, param: null } };
}

/**
 * `POST /v1/responses/compact`: the user messages of the input followed by one opaque
 * compaction item (what Codex's remote compaction expects back).
 */
export function compactJson(ctx: GenerationContext): unknown {
  const input = ctx.body.input;
  const userMessages: OutputItem[] = [];
  if (typeof input === 'string') {
    userMessages.push({ id: randomId('msg_', 48, 'hex'), type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: input }] });
  } else if (Array.isArray(input)) {
    for (const raw of input) {
      const item = raw as Record<string, unknown>;
      if ((item.type === undefined || item.type === 'message') && item.role === 'user') {
        const content = typeof item.content === 'string' ? [{ type: 'input_text', text: item.content }] : item.content;
        userMessages.push({ id: randomId('msg_', 48, 'hex'), type: 'message', status: 'completed', role: 'user', content });
      }
    }
  }
  return {
    id: randomId('resp_', 48, 'hex'),
    object: 'response.compaction',
    created_at: unixSeconds(),
    output: [...userMessages, { id: randomId('cmp_', 48, 'hex'), type: 'compaction', encrypted_content: opaqueBlob(128) }],
    usage: responsesUsage(ctx.shape.usage),
  };
}
