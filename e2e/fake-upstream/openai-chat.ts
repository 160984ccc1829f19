/**
 * OpenAI Chat Completions: `POST /v1/chat/completions` (JSON and SSE).
 *
 * Stream: data-only SSE events ending in `data: [DONE]`. The first chunk carries
 * `delta.role`; tool calls stream keyed by `index` (id/type/name in the first fragment, then
 * argument pieces); `finish_reason` arrives on its own chunk. Usage is streamed only when the
 * request asked for it with `stream_options.include_usage`, as an extra chunk with
 * `choices: []`, and then every other chunk carries `usage: null`.
 */
import { promptTotal, splitIntoPieces, type ResolvedUsage } from './behaviours.ts';
import { errorEnvelope, type ResolvedError } from './errors.ts';
import { randomId, sseEvent, unixSeconds, type GenerationContext, type StreamEvent, type StreamPlan } from './plan.ts';

export const DEFAULT_OPENAI_MODEL = 'gpt-5.5';
const SYSTEM_FINGERPRINT = 'fp_fake0001';

function chatUsage(u: ResolvedUsage) {
  const prompt = promptTotal(u);
  return {
    prompt_tokens: prompt,
    completion_tokens: u.outputTokens,
    total_tokens: prompt + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function finishReason(ctx: GenerationContext): 'tool_calls' | 'stop' {
  return ctx.shape.toolCall ? 'tool_calls' : 'stop';
}

/** The non-streaming `chat.completion` object. */
export function chatCompletionJson(ctx: GenerationContext): unknown {
  const { shape } = ctx;
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: shape.text === '' && shape.toolCall ? null : shape.text,
    refusal: null,
    annotations: [],
  };
  // Not an OpenAI field: DeepSeek-style reasoning, which relays pass through.
  if (shape.thinking) message.reasoning_content = shape.thinking;
  if (shape.toolCall) {
    message.tool_calls = [{
      id: shape.toolCall.id ?? randomId('call_', 24),
      type: 'function',
      function: { name: shape.toolCall.name, arguments: JSON.stringify(shape.toolCall.input) },
    }];
  }
  return {
    id: randomId('chatcmpl-', 29),
    object: 'chat.completion',
    created: unixSeconds(),
    model: ctx.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(ctx) }],
    usage: chatUsage(shape.usage),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/** Whether the request asked for the final usage chunk. */
export function wantsStreamUsage(body: Record<string, unknown>): boolean {
  const options = body.stream_options as { include_usage?: unknown } | undefined;
  return options?.include_usage === true;
}

/** The SSE chunks of a chat completion. */
export function chatCompletionStream(ctx: GenerationContext): StreamPlan {
  const { shape } = ctx;
  const includeUsage = wantsStreamUsage(ctx.body);
  const id = randomId('chatcmpl-', 29);
  const created = unixSeconds();
  const events: StreamEvent[] = [];

  const chunk = (choices: unknown[], usage?: unknown) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: ctx.model,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    ...(includeUsage ? { usage: usage ?? null } : {}),
  });
  const pushDelta = (delta: Record<string, unknown>, finish: string | null = null, delayBeforeMs?: number) =>
    events.push({
      data: sseEvent(JSON.stringify(chunk([{ index: 0, delta, logprobs: null, finish_reason: finish }]))),
      delayBeforeMs,
    });

  pushDelta({ role: 'assistant', content: '', refusal: null });
  for (const piece of shape.thinkingPieces) pushDelta({ reasoning_content: piece });
  shape.textPieces.forEach((piece, i) => pushDelta({ content: piece }, null, i > 0 ? shape.chunkDelayMs : undefined));
  if (shape.toolCall) {
    pushDelta({
      tool_calls: [{ index: 0, id: shape.toolCall.id ?? randomId('call_', 24), type: 'function', function: { name: shape.toolCall.name, arguments: '' } }],
    });
    for (const piece of splitIntoPieces(JSON.stringify(shape.toolCall.input), 3)) {
      pushDelta({ tool_calls: [{ index: 0, function: { arguments: piece } }] });
    }
  }
  pushDelta({}, finishReason(ctx));
  if (includeUsage) events.push({ data: sseEvent(JSON.stringify(chunk([], chatUsage(shape.usage)))) });
  events.push({ data: sseEvent('[DONE]') });

  return {
    contentType: 'text/event-stream; charset=utf-8',
    events,
    truncated: events.slice(0, -1),
    errorEvent: (_before: number, err: ResolvedError) => ({
      data: sseEvent(JSON.stringify(errorEnvelope('openai', err, ctx.requestId))),
    }),
  };
}

/** `GET /v1/models` in OpenAI's shape. */
export function openAiModelList(models: readonly string[]): unknown {
  return { object: 'list', data: models.map(openAiModel) };
}

/** `GET /v1/models/{id}` in OpenAI's shape. */
export function openAiModel(id: string): unknown {
  return { id, object: 'model', created: 1_750_000_000, owned_by: id.startsWith('claude') ? 'anthropic' : id.startsWith('gemini') ? 'google' : 'openai' };
}
