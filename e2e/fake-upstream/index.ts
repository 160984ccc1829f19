/**
 * Fake AI vendor upstream shared by the hub's unit, integration and end-to-end tests.
 *
 * Speaks the Anthropic Messages, OpenAI Chat Completions, OpenAI Responses (HTTP SSE and
 * WebSocket) and Gemini / Code Assist wire formats faithfully enough for the official SDKs, and
 * injects faults on demand. See README.md in this folder for the behaviour catalogue.
 *
 * @example
 * const fake = await startFakeUpstream();
 * fake.enqueue({ kind: 'status', status: 429 }, { usage: { inputTokens: 100, outputTokens: 20 } });
 * // …point the hub at fake.url, run the scenario, inspect fake.requests…
 * await fake.close();
 */
export { FAKE_CODE_ASSIST_PROJECT, startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from './server.ts';
export { BEHAVIOUR_HEADER, type RecordedRequest } from './state.ts';
export {
  parseBehaviour,
  BEHAVIOUR_KINDS,
  DEFAULT_TEXT,
  DEFAULT_USAGE,
  type Behaviour,
  type BehaviourKind,
  type ResponseShape,
  type ErrorSpec,
  type UsageSpec,
  type ToolCallSpec,
  type SuccessBehaviour,
  type StatusErrorBehaviour,
  type ResetBeforeHeadersBehaviour,
  type ResetMidStreamBehaviour,
  type StallBeforeHeadersBehaviour,
  type StallMidStreamBehaviour,
  type Fake200Behaviour,
  type StreamErrorBehaviour,
  type EmptyStreamBehaviour,
  type TruncatedStreamBehaviour,
} from './behaviours.ts';
