/**
 * Which endpoint a request is for. Paths are matched by suffix, so any base-path prefix works
 * (`/api/anthropic/v1/messages`, `/backend-api/codex/responses`, …); query strings such as
 * `?beta=true` are ignored.
 */
import type { ErrorDialect } from './errors.ts';

export type Route =
  | { kind: 'anthropic-messages' }
  | { kind: 'anthropic-count-tokens' }
  | { kind: 'openai-chat' }
  | { kind: 'openai-responses' }
  | { kind: 'openai-responses-compact' }
  | { kind: 'gemini'; method: GeminiMethod; model: string; codeAssist: false }
  | { kind: 'gemini'; method: GeminiMethod; model: undefined; codeAssist: true }
  | { kind: 'model-list'; style: ModelListStyle; id?: string }
  /** Code Assist's loadCodeAssist: which Cloud project the account uses (the hub asks before converting for it). */
  | { kind: 'code-assist-load' }
  | { kind: 'not-found' };

export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens';
export type ModelListStyle = 'openai' | 'anthropic' | 'gemini';

const GEMINI_METHOD = /\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const CODE_ASSIST_METHOD = /\/v1internal:(generateContent|streamGenerateContent|countTokens)$/;
const MODEL_LIST = /\/(v1|v1beta|v1alpha)\/models(?:\/([^/:]+))?$/;

export function matchRoute(method: string, url: URL, headers: Record<string, string>): Route {
  const path = url.pathname.replace(/\/+$/, '');
  if (method === 'POST') {
    if (path.endsWith('/messages/count_tokens')) return { kind: 'anthropic-count-tokens' };
    if (path.endsWith('/v1internal:loadCodeAssist')) return { kind: 'code-assist-load' };
    if (path.endsWith('/messages')) return { kind: 'anthropic-messages' };
    if (path.endsWith('/chat/completions')) return { kind: 'openai-chat' };
    if (path.endsWith('/responses/compact')) return { kind: 'openai-responses-compact' };
    if (path.endsWith('/responses')) return { kind: 'openai-responses' };
    const gemini = GEMINI_METHOD.exec(path);
    if (gemini) return { kind: 'gemini', method: gemini[2] as GeminiMethod, model: decodeURIComponent(gemini[1]), codeAssist: false };
    const codeAssist = CODE_ASSIST_METHOD.exec(path);
    if (codeAssist) return { kind: 'gemini', method: codeAssist[1] as GeminiMethod, model: undefined, codeAssist: true };
  }
  if (method === 'GET') {
    const list = MODEL_LIST.exec(path);
    if (list) return { kind: 'model-list', style: modelListStyle(list[1], url, headers), id: list[2] && decodeURIComponent(list[2]) };
  }
  return { kind: 'not-found' };
}

/**
 * `/v1/models` is shared by three vendors; pick the shape from what the caller sent:
 * Gemini auth or a v1beta/v1alpha path → Gemini, `anthropic-version` → Anthropic, else OpenAI.
 */
function modelListStyle(version: string, url: URL, headers: Record<string, string>): ModelListStyle {
  if (version !== 'v1' || headers['x-goog-api-key'] !== undefined || url.searchParams.has('key')) return 'gemini';
  if (headers['anthropic-version'] !== undefined) return 'anthropic';
  return 'openai';
}

/** The error vocabulary of a route (unknown paths answer like Anthropic). */
export function dialectOf(route: Route): ErrorDialect {
  switch (route.kind) {
    case 'openai-chat':
    case 'openai-responses':
    case 'openai-responses-compact':
      return 'openai';
    case 'gemini':
    case 'code-assist-load':
      return 'google';
    case 'model-list':
      return route.style === 'gemini' ? 'google' : route.style === 'anthropic' ? 'anthropic' : 'openai';
    default:
      return 'anthropic';
  }
}

/** Whether the route takes a behaviour from the queue (see FakeUpstream.enqueue). */
export function consumesQueue(route: Route): boolean {
  return route.kind !== 'not-found' && route.kind !== 'model-list' && route.kind !== 'code-assist-load';
}
