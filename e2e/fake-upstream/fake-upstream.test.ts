/**
 * The fake upstream must be accepted by the official SDKs (that is what "faithful" means here)
 * and every fault must observably happen. SDK retries are off so each fault is seen once.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import Anthropic, { APIError as AnthropicAPIError, AuthenticationError, BadRequestError, OverloadedError, RateLimitError } from '@anthropic-ai/sdk';
import { ApiError as GeminiApiError, GoogleGenAI } from '@google/genai';
import OpenAI, { APIError as OpenAIAPIError, NotFoundError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startFakeUpstream, type Behaviour, type FakeUpstream } from './index.ts';

// Every test here is fast; a hang must fail quickly rather than at the global 30 s limit.
vi.setConfig({ testTimeout: 5_000 });

let fake: FakeUpstream;
let anthropic: Anthropic;
let openai: OpenAI;
let gemini: GoogleGenAI;

beforeAll(async () => {
  fake = await startFakeUpstream();
  anthropic = new Anthropic({ baseURL: fake.url, apiKey: 'sk-ant-test', maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-openai-test', maxRetries: 0 });
  gemini = new GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: fake.url, retryOptions: { attempts: 1 } } });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const USAGE = { inputTokens: 120, outputTokens: 42, cacheCreation5mTokens: 30, cacheCreation1hTokens: 12, cacheReadTokens: 800, reasoningTokens: 7 };
const TOOL = { name: 'get_weather', input: { city: 'Paris', days: 3, units: { temp: 'C' } } };

// ---------------------------------------------------------------------------------------------
// Raw HTTP helpers (what a hub's upstream client sees, below any SDK)
// ---------------------------------------------------------------------------------------------

interface SseEvent {
  event?: string;
  data: string;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event: SseEvent = { data: '' };
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event: ')) event.event = line.slice(7);
        else if (line.startsWith('data: ')) event.data += line.slice(6);
      }
      return event;
    });
}

function post(path: string, body: unknown, behaviour?: Behaviour, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(init.headers as Record<string, string>) };
  if (behaviour) headers['x-fake-behaviour'] = JSON.stringify(behaviour);
  return fetch(fake.url + path, { ...init, method: 'POST', headers, body: JSON.stringify(body) });
}

const anthropicBody = { model: 'claude-sonnet-4-6', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] };
const chatBody = { model: 'gpt-5.5', stream: true, messages: [{ role: 'user', content: 'hi' }] };
const responsesBody = { model: 'gpt-5.5', stream: true, input: 'hi' };
const geminiBody = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };

/** The fields of Responses events that the WebSocket test reads. */
interface WsEvent {
  type: string;
  delta?: string;
  response?: { id: string; usage: { total_tokens: number; input_tokens: number; output_tokens: number } };
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ---------------------------------------------------------------------------------------------
// Anthropic
// ---------------------------------------------------------------------------------------------

describe('Anthropic Messages', () => {
  it('answers a JSON request with a full Message, the requested model and the configured usage', async () => {
    fake.enqueue({ text: 'Bonjour!', usage: USAGE });
    const { data: message, response } = await anthropic.messages
      .create({ model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();

    expect(message.model).toBe('claude-opus-4-8');
    expect(message.content).toEqual([{ type: 'text', text: 'Bonjour!' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({
      input_tokens: 120,
      output_tokens: 42,
      cache_creation_input_tokens: 42,
      cache_read_input_tokens: 800,
      cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 12 },
    });
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-fake-request-seq')).toBe('0');

    const recorded = fake.requests[0];
    expect(recorded).toMatchObject({ method: 'POST', path: '/v1/messages', aborted: false });
    expect(recorded.headers.authorization).toBe('Bearer sk-ant-test');
    expect(recorded.headers['anthropic-version']).toBeDefined();
    expect(recorded.json).toMatchObject({ model: 'claude-opus-4-8', max_tokens: 64 });
  });

  it('streams thinking, text and tool_use blocks that finalMessage() assembles with the configured usage', async () => {
    fake.enqueue({ text: 'Let me check.', chunks: 4, thinking: 'The user wants weather.', toolCall: TOOL, usage: USAGE });
    const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'weather?' }] });
    const textDeltas: string[] = [];
    stream.on('text', (delta) => textDeltas.push(delta));
    const message = await stream.finalMessage();

    expect(textDeltas).toHaveLength(4);
    expect(message.model).toBe('claude-sonnet-4-6');
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
    const [thinking, text, toolUse] = message.content;
    expect(thinking.type === 'thinking' && thinking.thinking).toBe('The user wants weather.');
    expect(thinking.type === 'thinking' && thinking.signature.length).toBeGreaterThan(20);
    expect(text.type === 'text' && text.text).toBe('Let me check.');
    expect(toolUse.type === 'tool_use' && toolUse.name).toBe('get_weather');
    expect(toolUse.type === 'tool_use' && toolUse.input).toEqual(TOOL.input);
    expect(toolUse.type === 'tool_use' && toolUse.id).toMatch(/^toolu_/);
    expect(message.usage).toMatchObject({
      input_tokens: 120,
      output_tokens: 42,
      cache_creation_input_tokens: 42,
      cache_read_input_tokens: 800,
      cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 12 },
    });
  });

  it('sends the real event order, input-side usage in message_start and cumulative usage in message_delta', async () => {
    const res = await post('/v1/messages', anthropicBody, { thinking: 'hmm', toolCall: TOOL, usage: USAGE });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);

    // Collapse runs of deltas to check the structure.
    const order = events.map((e) => e.event).filter((name, i, all) => !(name === 'content_block_delta' && all[i - 1] === name));
    expect(order).toEqual([
      'message_start', 'ping',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'message_delta', 'message_stop',
    ]);
    const start = JSON.parse(events[0].data).message;
    expect(start).toMatchObject({ content: [], stop_reason: null, model: 'claude-sonnet-4-6' });
    expect(start.usage).toMatchObject({ input_tokens: 120, cache_creation_input_tokens: 42, cache_read_input_tokens: 800, cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 12 } });
    expect(start.usage.output_tokens).toBeLessThanOrEqual(1);

    const thinkingDeltas = events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data)).filter((d) => d.index === 0);
    expect(thinkingDeltas.at(-1).delta.type).toBe('signature_delta');
    expect(thinkingDeltas.slice(0, -1).every((d) => d.delta.type === 'thinking_delta')).toBe(true);

    const delta = JSON.parse(events.at(-2)!.data);
    expect(delta.delta.stop_reason).toBe('tool_use');
    expect(delta.usage).toMatchObject({ output_tokens: 42, input_tokens: 120, cache_read_input_tokens: 800, cache_creation_input_tokens: 42 });
  });

  it('counts tokens (configured, or derived from the body size)', async () => {
    fake.enqueue({ countTokens: 1234 });
    const configured = await anthropic.messages.countTokens({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] });
    expect(configured.input_tokens).toBe(1234);

    const derived = await anthropic.messages.countTokens({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    expect(derived.input_tokens).toBe(Math.ceil(fake.requests[1].body.length / 4));
    expect(fake.requests[1].path).toBe('/v1/messages/count_tokens');
  });

  it('surfaces error statuses as the SDK error classes, with our message and envelope', async () => {
    const request = () => anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });

    fake.enqueue({ kind: 'status', status: 400, message: 'prompt is too long: 210000 tokens > 200000 maximum' });
    const tooLong = await request().catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(BadRequestError);
    expect((tooLong as BadRequestError).status).toBe(400);
    expect((tooLong as BadRequestError).message).toContain('prompt is too long: 210000 tokens > 200000 maximum');
    expect((tooLong as BadRequestError).type).toBe('invalid_request_error');
    expect((tooLong as BadRequestError).requestID).toMatch(/^req_/);

    fake.enqueue({ kind: 'status', status: 401 }, { kind: 'status', status: 429, retryAfter: 7 }, { kind: 'status', status: 529 });
    await expect(request()).rejects.toBeInstanceOf(AuthenticationError);
    const limited = (await request().catch((e: unknown) => e)) as RateLimitError;
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.headers?.get('retry-after')).toBe('7');
    expect(limited.type).toBe('rate_limit_error');
    const overloaded = (await request().catch((e: unknown) => e)) as OverloadedError;
    expect(overloaded).toBeInstanceOf(OverloadedError);
    expect(overloaded.type).toBe('overloaded_error');
  });

  it('relays an in-stream overloaded_error event, which the SDK throws', async () => {
    fake.enqueue({ kind: 'stream-error', afterEvents: 4 });
    const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const error = (await stream.finalMessage().catch((e: unknown) => e)) as AnthropicAPIError;
    expect(error).toBeInstanceOf(AnthropicAPIError);
    expect(error.type).toBe('overloaded_error');
    expect(error.message).toContain('Overloaded');

    const res = await post('/v1/messages', anthropicBody, { kind: 'stream-error', afterEvents: 2 });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual(['message_start', 'ping', 'error']);
    expect(JSON.parse(events[2].data)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('treats a base-path prefix and ?beta=true as the same endpoint and records the query', async () => {
    const res = await post('/api/anthropic/v1/messages?beta=true', { ...anthropicBody, stream: false });
    expect(res.status).toBe(200);
    expect((await res.json()).type).toBe('message');
    expect(fake.requests[0]).toMatchObject({ path: '/api/anthropic/v1/messages', query: { beta: 'true' } });
  });
});

// ---------------------------------------------------------------------------------------------
// OpenAI Chat Completions
// ---------------------------------------------------------------------------------------------

describe('OpenAI Chat Completions', () => {
  it('answers JSON with tool calls and usage whose prompt_tokens include cached tokens', async () => {
    fake.enqueue({ text: '', toolCall: TOOL, usage: USAGE });
    const completion = await openai.chat.completions.create({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'weather?' }] });
    expect(completion.model).toBe('gpt-5.5');
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    const call = completion.choices[0].message.tool_calls![0];
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual(TOOL.input);
    expect(completion.usage).toMatchObject({
      prompt_tokens: 120 + 42 + 800,
      completion_tokens: 42,
      total_tokens: 120 + 42 + 800 + 42,
      prompt_tokens_details: { cached_tokens: 800 },
      completion_tokens_details: { reasoning_tokens: 7 },
    });
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-openai-test');
  });

  it('streams with include_usage: usage null on every chunk, then a choices:[] usage chunk, then [DONE]', async () => {
    fake.enqueue({ text: 'Hello world', chunks: 2, usage: USAGE });
    const stream = await openai.chat.completions.create({
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 962, completion_tokens: 42, prompt_tokens_details: { cached_tokens: 800 } });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello world');
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');

    const raw = await (await post('/v1/chat/completions', { ...chatBody, stream_options: { include_usage: true } })).text();
    expect(parseSse(raw).at(-1)!.data).toBe('[DONE]');
  });

  it('streams tool-call fragments keyed by index that the SDK helper assembles; no usage without include_usage', async () => {
    fake.enqueue({ text: 'Checking.', toolCall: TOOL });
    const runner = openai.chat.completions.stream({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'weather?' }] });
    const completion = await runner.finalChatCompletion();
    const call = completion.choices[0].message.tool_calls![0];
    expect(completion.choices[0].message.content).toBe('Checking.');
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual(TOOL.input);

    const events = parseSse(await (await post('/v1/chat/completions', chatBody, { toolCall: TOOL })).text());
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    const fragments = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
    expect(fragments[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(fragments[0].id).toMatch(/^call_/);
    expect(fragments.slice(1).every((f: Record<string, unknown>) => f.index === 0 && !('id' in f))).toBe(true);
  });

  it('surfaces error statuses and in-stream errors', async () => {
    fake.enqueue({ kind: 'status', status: 404, message: 'The model `gpt-9` does not exist' });
    const notFound = (await openai.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as NotFoundError;
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound.status).toBe(404);
    expect(notFound.message).toContain('The model `gpt-9` does not exist');
    expect(notFound.code).toBe('model_not_found');

    fake.enqueue({ kind: 'stream-error', afterEvents: 2, message: 'upstream melted' });
    const stream = await openai.chat.completions.create({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const seen: unknown[] = [];
    const streamError = await (async () => {
      for await (const chunk of stream) seen.push(chunk);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(2);
    expect(streamError).toBeInstanceOf(OpenAIAPIError);
    expect((streamError as OpenAIAPIError).message).toContain('upstream melted');
  });

  it('lists models in OpenAI shape', async () => {
    const page = await openai.models.list();
    expect(page.data.map((m) => m.id)).toContain('gpt-5.5');
    expect(page.data[0].object).toBe('model');
  });
});

// ---------------------------------------------------------------------------------------------
// OpenAI Responses (HTTP and WebSocket)
// ---------------------------------------------------------------------------------------------

describe('OpenAI Responses', () => {
  it('answers JSON with output_text and usage', async () => {
    fake.enqueue({ text: 'Hi from responses', usage: USAGE });
    const response = await openai.responses.create({ model: 'gpt-5.5', input: 'hi', instructions: 'be brief' });
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Hi from responses');
    expect(response.instructions).toBe('be brief');
    expect(response.usage).toMatchObject({
      input_tokens: 962,
      input_tokens_details: { cached_tokens: 800 },
      output_tokens: 42,
      output_tokens_details: { reasoning_tokens: 7 },
      total_tokens: 1004,
    });
  });

  it('streams reasoning, message and function_call items ending in response.completed with usage', async () => {
    fake.enqueue({ text: 'Calling a tool.', thinking: 'need weather', toolCall: TOOL, usage: USAGE });
    const stream = openai.responses.stream({ model: 'gpt-5.5', input: 'weather?', include: ['reasoning.encrypted_content'] });
    const types: string[] = [];
    const sequence: number[] = [];
    stream.on('event', (e) => {
      types.push(e.type);
      sequence.push(e.sequence_number);
    });
    const final = await stream.finalResponse();

    expect(types[0]).toBe('response.created');
    expect(types[1]).toBe('response.in_progress');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).not.toContain('[DONE]');
    expect(sequence).toEqual(sequence.map((_, i) => i));
    expect(types.filter((t) => t === 'response.output_item.done')).toHaveLength(3);
    expect(types).toContain('response.function_call_arguments.delta');
    expect(types.indexOf('response.content_part.added')).toBeLessThan(types.indexOf('response.output_text.delta'));

    expect(final.output_text).toBe('Calling a tool.');
    expect(final.usage).toMatchObject({ input_tokens: 962, input_tokens_details: { cached_tokens: 800 }, output_tokens: 42, total_tokens: 1004 });
    const [reasoning, , call] = final.output;
    expect(reasoning.type === 'reasoning' && reasoning.encrypted_content).toBeTruthy();
    expect(call.type === 'function_call' && JSON.parse(call.arguments)).toEqual(TOOL.input);
    expect(call.type === 'function_call' && call.call_id).toMatch(/^call_/);
  });

  it('signals an in-stream failure with response.failed', async () => {
    const res = await post('/v1/responses', responsesBody, { kind: 'stream-error', afterEvents: 3, status: 429, message: 'Rate limit reached. Please try again in 2s.' });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    const last = JSON.parse(events.at(-1)!.data);
    expect(events.at(-1)!.event).toBe('response.failed');
    expect(last.sequence_number).toBe(3);
    expect(last.response).toMatchObject({ status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Rate limit reached. Please try again in 2s.' } });
  });

  it('compacts a conversation into user messages plus one compaction item', async () => {
    const compacted = await openai.responses.compact({ model: 'gpt-5.5', input: [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'reply' }] });
    expect(compacted.object).toBe('response.compaction');
    expect(compacted.output.map((i) => i.type)).toEqual(['message', 'compaction']);
    expect(fake.requests[0].path).toBe('/v1/responses/compact');
  });

  it('speaks the WebSocket transport: warm-up, a full turn, and an in-stream failure', async () => {
    const ws = new WebSocket(`${fake.url.replace('http', 'ws')}/v1/responses`, { headers: { authorization: 'Bearer codex-key' } });
    let upgradeHeaders: Record<string, unknown> = {};
    ws.once('upgrade', (response) => (upgradeHeaders = response.headers));
    await once(ws, 'open');
    expect(upgradeHeaders['x-fake-request-seq']).toBe('0');
    const turn = (body: Record<string, unknown>) =>
      new Promise<WsEvent[]>((resolve) => {
        const events: WsEvent[] = [];
        const onMessage = (data: WebSocket.RawData) => {
          const event = JSON.parse(data.toString()) as WsEvent;
          events.push(event);
          if (['response.completed', 'response.failed', 'error'].includes(event.type)) {
            ws.off('message', onMessage);
            resolve(events);
          }
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ type: 'response.create', ...body }));
      });

    const warmUp = await turn({ model: 'gpt-5.5', input: [], generate: false });
    expect(warmUp.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
    expect(warmUp.at(-1)!.response!.usage.total_tokens).toBe(0);

    fake.enqueue({ text: 'over ws', usage: USAGE });
    const events = await turn({ model: 'gpt-5.5', input: 'hi', previous_response_id: warmUp.at(-1)!.response!.id });
    expect(events.at(-1)!.type).toBe('response.completed');
    expect(events.at(-1)!.response!.usage).toMatchObject({ input_tokens: 962, output_tokens: 42 });
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('')).toBe('over ws');

    fake.enqueue({ kind: 'stream-error', afterEvents: 2 });
    const failed = await turn({ model: 'gpt-5.5', input: 'again' });
    expect(failed.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'response.failed']);

    expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'WS', 'WS', 'WS']);
    expect(fake.requests[1].json).toMatchObject({ type: 'response.create', generate: false });
    expect(fake.requests[0].headers.authorization).toBe('Bearer codex-key');
    ws.close();
  });

  it('can reject the WebSocket upgrade (so a hub falls back to HTTP) and reset a socket mid-stream', async () => {
    fake.enqueue({ kind: 'status', status: 426, appliesTo: 'websocket-upgrade' });
    const rejected = new WebSocket(`${fake.url.replace('http', 'ws')}/v1/responses`);
    rejected.on('error', () => {}); // terminate() before the handshake completed reports an error
    const [, response] = (await once(rejected, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(426);
    rejected.terminate();

    fake.enqueue({ kind: 'reset-mid-stream', afterEvents: 3 });
    const ws = new WebSocket(`${fake.url.replace('http', 'ws')}/v1/responses`);
    await once(ws, 'open');
    const received: string[] = [];
    ws.on('message', (data) => received.push(JSON.parse(data.toString()).type));
    ws.send(JSON.stringify({ type: 'response.create', model: 'gpt-5.5', input: 'hi' }));
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(1006); // abnormal closure: no close frame
    expect(received).toEqual(['response.created', 'response.in_progress', 'response.output_item.added']);
  });
});

// ---------------------------------------------------------------------------------------------
// Gemini and Code Assist
// ---------------------------------------------------------------------------------------------

describe('Gemini', () => {
  it('generateContent returns text, a whole functionCall part and usage; the API key header is recorded', async () => {
    fake.enqueue({ text: 'Sunny.', toolCall: TOOL, usage: USAGE });
    const response = await gemini.models.generateContent({ model: 'gemini-2.5-flash', contents: 'weather?' });
    expect(response.text).toBe('Sunny.');
    expect(response.functionCalls).toEqual([{ name: 'get_weather', args: TOOL.input }]);
    expect(response.candidates![0].finishReason).toBe('STOP');
    expect(response.modelVersion).toBe('gemini-2.5-flash');
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 962,
      cachedContentTokenCount: 800,
      candidatesTokenCount: 35,
      thoughtsTokenCount: 7,
      totalTokenCount: 1004,
    });
    expect(fake.requests[0].path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(fake.requests[0].headers['x-goog-api-key']).toBe('gemini-test-key');
  });

  it('generateContentStream yields incremental chunks; only the last has finishReason and the final usage', async () => {
    fake.enqueue({ text: 'one two three', chunks: 3, usage: USAGE });
    const chunks = [];
    for await (const chunk of await gemini.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'count' })) chunks.push(chunk);
    expect(chunks).toHaveLength(3);
    expect(chunks.map((c) => c.text).join('')).toBe('one two three');
    expect(chunks.slice(0, -1).every((c) => c.candidates![0].finishReason === undefined)).toBe(true);
    expect(chunks.at(-1)!.candidates![0].finishReason).toBe('STOP');
    expect(chunks.at(-1)!.usageMetadata).toMatchObject({ promptTokenCount: 962, candidatesTokenCount: 35, totalTokenCount: 1004 });
    expect(fake.requests[0].query).toEqual({ alt: 'sse' });

    const raw = await (await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', geminiBody)).text();
    expect(raw).toMatch(/^data: \{.*\}\r\n\r\n/);
  });

  it('streams a JSON array without alt=sse', async () => {
    const res = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent', geminiBody, { chunks: 2 });
    const array = JSON.parse(await res.text());
    expect(array).toHaveLength(2);
    expect(array[1].candidates[0].finishReason).toBe('STOP');
  });

  it('countTokens returns totalTokens', async () => {
    fake.enqueue({ countTokens: 77 });
    const counted = await gemini.models.countTokens({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(counted.totalTokens).toBe(77);
  });

  it('surfaces errors in the Google envelope as ApiError, also in-stream', async () => {
    fake.enqueue({ kind: 'status', status: 429, message: 'Quota exceeded for gemini-2.5-flash' });
    const limited = (await gemini.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }).catch((e: unknown) => e)) as GeminiApiError;
    expect(limited).toBeInstanceOf(GeminiApiError);
    expect(limited.status).toBe(429);
    expect(limited.message).toContain('Quota exceeded for gemini-2.5-flash');
    expect(limited.message).toContain('RESOURCE_EXHAUSTED');

    const res = await post('/v1beta/models/gemini-2.5-flash:generateContent', geminiBody, { kind: 'status', status: 503 });
    expect(await res.json()).toEqual({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } });

    fake.enqueue({ kind: 'stream-error', afterEvents: 1 });
    const stream = await gemini.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hi' });
    const inStream = await (async () => {
      for await (const _chunk of stream) {
        /* drain */
      }
    })().catch((e: unknown) => e);
    expect(inStream).toBeInstanceOf(GeminiApiError);
    expect((inStream as GeminiApiError).status).toBe(503);
  });

  it('speaks Code Assist: wrapped request in, wrapped response (and every SSE chunk) out', async () => {
    const wrapped = { model: 'gemini-3.8-flash', project: 'proj-1', user_prompt_id: 'p1', request: { ...geminiBody, session_id: 's1' } };
    const json = await (await post('/v1internal:generateContent', wrapped, { text: 'wrapped' })).json();
    expect(json.traceId).toBeTruthy();
    expect(json.response.candidates[0].content.parts[0].text).toBe('wrapped');
    expect(json.response.modelVersion).toBe('gemini-3.8-flash');

    const events = parseSse(await (await post('/v1internal:streamGenerateContent?alt=sse', wrapped, { chunks: 2, usage: USAGE })).text());
    const chunks = events.map((e) => JSON.parse(e.data));
    expect(chunks.every((c) => c.response && c.traceId)).toBe(true);
    expect(chunks.at(-1).response.usageMetadata.promptTokenCount).toBe(962);

    const counted = await (await post('/v1internal:countTokens', { request: { model: 'models/gemini-3.8-flash', contents: [] } }, { countTokens: 5 })).json();
    expect(counted).toEqual({ totalTokens: 5 });
  });

  it('lists models in Gemini shape', async () => {
    const res = await fetch(`${fake.url}/v1beta/models`, { headers: { 'x-goog-api-key': 'k' } });
    const body = await res.json();
    expect(body.models.map((m: { name: string }) => m.name)).toContain('models/gemini-2.5-flash');
  });
});

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

describe('fault injection', () => {
  it('reset-before-headers: the raw fetch rejects and nothing was answered', async () => {
    await expect(post('/v1/messages', anthropicBody, { kind: 'reset-before-headers' })).rejects.toThrow();
    expect(fake.requests[0].aborted).toBe(false);
  });

  it('reset-mid-stream: headers and the first events arrive, then reading the body fails', async () => {
    const res = await post('/v1/messages', anthropicBody, { kind: 'reset-mid-stream', afterEvents: 3 });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        received += decoder.decode(value, { stream: true });
      }
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(parseSse(received).map((e) => e.event)).toEqual(['message_start', 'ping', 'content_block_start']);
  });

  it('truncated-stream: every format ends cleanly without its terminal event', async () => {
    const truncated: Behaviour = { kind: 'truncated-stream' };
    const anthropicEvents = parseSse(await (await post('/v1/messages', anthropicBody, truncated)).text());
    expect(anthropicEvents.map((e) => e.event)).toContain('message_delta');
    expect(anthropicEvents.map((e) => e.event)).not.toContain('message_stop');

    const chatEvents = parseSse(await (await post('/v1/chat/completions', chatBody, truncated)).text());
    expect(chatEvents.length).toBeGreaterThan(2);
    expect(chatEvents.map((e) => e.data)).not.toContain('[DONE]');

    const responsesEvents = parseSse(await (await post('/v1/responses', responsesBody, truncated)).text());
    expect(responsesEvents.at(-1)!.event).toBe('response.output_item.done');
    expect(responsesEvents.map((e) => e.event)).not.toContain('response.completed');

    const geminiEvents = parseSse(await (await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', geminiBody, truncated)).text());
    expect(geminiEvents.length).toBe(3);
    expect(geminiEvents.every((e) => !e.data.includes('finishReason'))).toBe(true);

    // The SDK notices: no message_stop means no final message.
    fake.enqueue({ kind: 'truncated-stream', afterEvents: 4 });
    const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    await expect(stream.finalMessage()).rejects.toThrow();
  });

  it('stall-before-headers delays the first byte; a client that gives up is recorded as aborted', async () => {
    const started = Date.now();
    const res = await post('/v1/chat/completions', chatBody, { kind: 'stall-before-headers', ms: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(parseSse(await res.text()).at(-1)!.data).toBe('[DONE]');

    // Stall forever; the client times out after 150 ms and the fake stops waiting for it.
    await expect(post('/v1/chat/completions', chatBody, { kind: 'stall-before-headers' }, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    await waitFor(() => fake.requests[1].aborted);
  });

  it('stall-mid-stream pauses between events, then continues', async () => {
    const started = Date.now();
    const res = await post('/v1/messages', anthropicBody, { kind: 'stall-mid-stream', afterEvents: 2, ms: 400 });
    const headersAfter = Date.now() - started;
    const events = parseSse(await res.text());
    expect(headersAfter).toBeLessThan(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(events.at(-1)!.event).toBe('message_stop');

    // Without `ms` the pause never ends: the client sees the first events, then silence.
    const forever = await post('/v1/messages', anthropicBody, { kind: 'stall-mid-stream', afterEvents: 1 }, { signal: AbortSignal.timeout(300) });
    const reader = forever.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('message_start');
    await expect(reader.read()).rejects.toThrow();
    await waitFor(() => fake.requests[1].aborted);
  });

  it('chunkDelayMs spaces the text deltas', async () => {
    const started = Date.now();
    const events = parseSse(await (await post('/v1/chat/completions', chatBody, { text: 'abcd', chunks: 4, chunkDelayMs: 80 })).text());
    expect(Date.now() - started).toBeGreaterThanOrEqual(230);
    expect(events.filter((e) => e.data.includes('"content":"')).length).toBe(5); // role chunk + 4 deltas
  });

  it('fake-200: HTTP 200 with an error body (JSON envelope or HTML), even for a stream request', async () => {
    const res = await post('/v1/messages', anthropicBody, { kind: 'fake-200', status: 529 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });

    const html = await post('/v1/chat/completions', chatBody, { kind: 'fake-200', html: true });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<html>');
  });

  it('empty-stream: SSE headers and no events; the SDK finds no message', async () => {
    const res = await post('/v1/responses', responsesBody, { kind: 'empty-stream' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await res.text()).toBe('');

    fake.enqueue({ kind: 'empty-stream' });
    const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    await expect(stream.finalMessage()).rejects.toThrow();
  });

  it('gzip: JSON and SSE are compressed on the wire and the SDKs decode them', async () => {
    const raw = await post('/v1/chat/completions', chatBody, { gzip: true, text: 'zipped' });
    expect(raw.headers.get('content-encoding')).toBe('gzip');
    expect(parseSse(await raw.text()).at(-1)!.data).toBe('[DONE]'); // fetch decoded it

    // Check the bytes really are gzip, using a client that does not decode.
    const { request } = await import('undici');
    const undecoded = await request(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-fake-behaviour': JSON.stringify({ gzip: true }) },
      body: JSON.stringify({ ...anthropicBody, stream: false }),
    });
    const bytes = Buffer.from(await undecoded.body.arrayBuffer());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(JSON.parse(gunzipSync(bytes).toString()).type).toBe('message');

    fake.enqueue({ gzip: true, text: 'compressed stream', chunks: 5 });
    const message = await anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'compressed stream' }]);
  });

  it('stops writing when the client disconnects mid-stream and records the request as aborted', async () => {
    const controller = new AbortController();
    // Large behaviours go through enqueue(): a header cannot carry them.
    fake.enqueue({ text: 'x'.repeat(200_000), chunks: 2000, chunkDelayMs: 2 });
    const res = await post('/v1/messages', anthropicBody, undefined, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await waitFor(() => fake.requests[0].aborted);
  });

  it('honours backpressure: a large stream to a slow reader arrives complete', async () => {
    const text = 'y'.repeat(3_000_000);
    fake.enqueue({ text, chunks: 300 });
    const res = await post('/v1/chat/completions', chatBody);
    await new Promise((r) => setTimeout(r, 200)); // let the socket buffers fill up
    const events = parseSse(await res.text());
    const content = events.slice(0, -1).map((e) => JSON.parse(e.data).choices[0]?.delta.content ?? '').join('');
    expect(content.length).toBe(text.length);
    expect(fake.requests[0].aborted).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Behaviour selection and control API
// ---------------------------------------------------------------------------------------------

describe('behaviour selection', () => {
  it('applies the queue FIFO, then the default, then success; the header overrides without consuming', async () => {
    fake.setDefault({ kind: 'status', status: 500 });
    fake.enqueue({ kind: 'status', status: 401 }, { kind: 'status', status: 403 });
    const statuses = [];
    statuses.push((await post('/v1/messages', anthropicBody, { kind: 'status', status: 418 })).status);
    for (let i = 0; i < 3; i++) statuses.push((await post('/v1/messages', anthropicBody)).status);
    fake.setDefault(undefined);
    statuses.push((await post('/v1/messages', anthropicBody)).status);
    expect(statuses).toEqual([418, 401, 403, 500, 200]);
    expect(fake.requests.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it('does not let unknown paths or model listings consume queued behaviours', async () => {
    fake.enqueue({ kind: 'status', status: 429 });
    const hello = await fetch(`${fake.url}/api/hello`, { method: 'HEAD' });
    expect(hello.status).toBe(404);
    const unknown = await post('/v1/nope', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect((await fetch(`${fake.url}/v1/models`)).status).toBe(200);
    expect((await post('/v1/messages', anthropicBody)).status).toBe(429);
  });

  it('rejects a malformed x-fake-behaviour header with a 400 saying why', async () => {
    const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'x-fake-behaviour': '{"kind":"explode"}' }, body: '{}' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('unknown behaviour kind');
  });

  it('is drivable over the control API (enqueue, default, requests, reset)', async () => {
    const enqueue = await fetch(`${fake.url}/__fake/enqueue`, { method: 'POST', body: JSON.stringify([{ kind: 'status', status: 503 }, { text: 'second' }]) });
    expect(await enqueue.json()).toEqual({ queued: 2 });
    expect((await post('/v1/chat/completions', { ...chatBody, stream: false })).status).toBe(503);
    const second = await (await post('/v1/chat/completions', { ...chatBody, stream: false })).json();
    expect(second.choices[0].message.content).toBe('second');

    await post('/v1/messages', { ...anthropicBody, padding: 'z'.repeat(70 * 1024) });
    const log = await (await fetch(`${fake.url}/__fake/requests`)).json();
    expect(log).toHaveLength(3);
    expect(log[0]).toMatchObject({ seq: 0, method: 'POST', path: '/v1/chat/completions', json: { model: 'gpt-5.5' } });
    expect(log[2].bodyOmitted).toBe(true);
    expect(log[2].body).toBeUndefined();

    await fetch(`${fake.url}/__fake/default`, { method: 'POST', body: JSON.stringify({ kind: 'status', status: 502 }) });
    expect((await post('/v1/messages', anthropicBody)).status).toBe(502);
    await fetch(`${fake.url}/__fake/reset`, { method: 'POST' });
    expect(fake.requests).toHaveLength(0);
    expect((await post('/v1/messages', anthropicBody)).status).toBe(200);

    const bad = await fetch(`${fake.url}/__fake/enqueue`, { method: 'POST', body: '{"kind":"status"}' });
    expect(bad.status).toBe(400);
  });
});

describe('lifecycle', () => {
  it('close() destroys stalled connections and WebSockets promptly', async () => {
    const own = await startFakeUpstream();
    own.setDefault({ kind: 'stall-before-headers' });
    const pending = fetch(`${own.url}/v1/messages`, { method: 'POST', body: JSON.stringify(anthropicBody) }).then(
      () => 'answered',
      () => 'rejected',
    );
    const ws = new WebSocket(`${own.url.replace('http', 'ws')}/v1/responses`);
    const wsClosed = once(ws, 'close');
    await once(ws, 'open');
    await waitFor(() => own.requests.length === 2);

    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('rejected');
    await wsClosed;
  });

  it('answers a non-streaming request cut by reset-mid-stream with half a body', async () => {
    const res = await post('/v1/chat/completions', { ...chatBody, stream: false }, { kind: 'reset-mid-stream' });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });
});

describe('CLI', () => {
  it('prints the URL, serves requests and exits cleanly on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const url = line.toString().trim();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${url}/__fake/health`)).json()).toEqual({ ok: true });
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
