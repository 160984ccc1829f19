/**
 * The Cloud project of a `gemini-cli` provider's account, for requests converted into Code
 * Assist (issue 8). Gemini CLI sends `project` itself; a request converted from another format
 * has none, and Code Assist refuses generateContent without it. Like Gemini CLI, the hub asks
 * loadCodeAssist once and keeps the answer per provider (credential and URL included in the
 * key, so an edited provider asks again) for an hour.
 *
 * An account that has never been onboarded has no project yet: Gemini CLI then runs the
 * onboardUser long-running operation, which the hub does not (it would pick a tier on the
 * admin's behalf). Such a provider fails the attempt with a message saying to sign in once with
 * Gemini CLI, or to set the project as the custom header `x-goog-user-project`.
 */
import { createHash } from "node:crypto";
import { request, type Dispatcher } from "undici";
import type { CachedProvider } from "../../../catalog/types.ts";
import { CODE_ASSIST_BASE_URL } from "./index.ts";
import { joinUpstreamUrl } from "../types.ts";

const TTL_MS = 60 * 60_000;
const MAX_ENTRIES = 1000;
/** loadCodeAssist answers are small; anything longer is not one. */
const MAX_ANSWER_BYTES = 64 * 1024;
const TIMEOUT_MS = 15_000;

const cache = new Map<string, { project: string; until: number }>();

export class CodeAssistProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CodeAssistProjectError";
  }
}

function cacheKey(provider: CachedProvider): string {
  return createHash("sha256").update(`${provider.id}\n${provider.url}\n${provider.secret}`).digest("hex");
}

/** The project named by the admin (custom header x-goog-user-project), if any. */
function configuredProject(provider: CachedProvider): string | undefined {
  for (const [name, value] of Object.entries(provider.customHeaders)) if (name.toLowerCase() === "x-goog-user-project" && value.trim()) return value.trim();
  return undefined;
}

function projectOf(answer: unknown): string | undefined {
  const value = (answer as { cloudaicompanionProject?: unknown } | null)?.cloudaicompanionProject;
  if (typeof value === "string" && value) return value;
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === "string" && id ? id : undefined;
}

/**
 * The provider's project: configured, cached, or asked of loadCodeAssist with the provider's
 * credentials. Throws CodeAssistProjectError when there is none to be had.
 */
export async function codeAssistProject(provider: CachedProvider, authHeaders: Record<string, string>, dispatcher: Dispatcher, now = Date.now()): Promise<string> {
  const configured = configuredProject(provider);
  if (configured) return configured;
  const key = cacheKey(provider);
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.project;

  const url = joinUpstreamUrl(provider.url || CODE_ASSIST_BASE_URL, "/v1internal:loadCodeAssist", "");
  let answer: unknown;
  try {
    const res = await request(url, {
      method: "POST",
      dispatcher,
      headers: { "content-type": "application/json", "x-goog-api-client": "GeminiCLI/1.0", ...authHeaders },
      body: JSON.stringify({ metadata: { ideType: "IDE_UNSPECIFIED", platform: "PLATFORM_UNSPECIFIED", pluginType: "GEMINI" } }),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_ANSWER_BYTES) {
        res.body.destroy();
        throw new CodeAssistProjectError("loadCodeAssist answered more than 64 KiB");
      }
      chunks.push(chunk as Buffer);
    }
    if (res.statusCode >= 300) throw new CodeAssistProjectError(`loadCodeAssist answered ${res.statusCode}`);
    answer = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    if (error instanceof CodeAssistProjectError) throw error;
    throw new CodeAssistProjectError(`loadCodeAssist failed: ${(error as Error).message}`);
  }
  const project = projectOf(answer);
  if (!project) {
    throw new CodeAssistProjectError(
      "the Code Assist account has no Cloud project yet: sign in once with Gemini CLI, or set the project as the provider's custom header x-goog-user-project",
    );
  }
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, { project, until: now + TTL_MS });
  return project;
}
