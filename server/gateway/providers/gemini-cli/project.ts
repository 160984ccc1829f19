/**
 * The Cloud project of a `gemini-cli` provider's account, for requests converted into Code
 * Assist (issue 8). Gemini CLI sends `project` itself; a request converted from another format
 * has none, and Code Assist refuses generateContent without it. Like Gemini CLI, the hub asks
 * loadCodeAssist once and keeps the answer per provider (credential and URL included in the
 * key, so an edited provider asks again) for an hour.
 *
 * An account that has never been onboarded has no tier and no project yet. Gemini CLI then
 * onboards it on its first sign-in (its public code_assist/setup.ts): onboardUser with the tier
 * loadCodeAssist marks as the default (`allowedTiers[].isDefault`, else "legacy-tier"), no
 * project for the free tier (Google manages one), then polls the long-running operation until
 * it is done and reads `response.cloudaicompanionProject.id`. The hub does the same, once per
 * provider (concurrent requests share it), bounded in time: it picks exactly the tier that
 * signing in once with Gemini CLI would pick, so nothing is chosen on the admin's behalf that
 * the admin's own first sign-in would not. An account that has a tier but no project (Workspace
 * accounts that need GOOGLE_CLOUD_PROJECT), or whose onboarding yields none, fails the attempt
 * with a message saying to set the project as the custom header `x-goog-user-project`.
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

/** Waits between polls of the onboarding operation (Gemini CLI waits 5 s each, unbounded; the hub gives up after ~20 s). */
const POLL_DELAYS_MS = [1000, 2000, 3000, 4000, 5000, 5000];
/** An operation name as Code Assist gives it ("operations/…"): nothing that could leave that path. */
const OPERATION_NAME = /^operations\/[A-Za-z0-9_\-.]{1,200}$/;
const METADATA = { ideType: "IDE_UNSPECIFIED", platform: "PLATFORM_UNSPECIFIED", pluginType: "GEMINI" };

/** Lookups under way, per provider key: concurrent requests share one loadCodeAssist (and onboarding). */
const pending = new Map<string, Promise<string>>();

interface CallOptions {
  authHeaders: Record<string, string>;
  dispatcher: Dispatcher;
}

/** One Code Assist call with the provider's credentials; the parsed answer (bounded). */
async function call(provider: CachedProvider, method: "POST" | "GET", path: string, body: unknown, o: CallOptions): Promise<unknown> {
  const url = joinUpstreamUrl(provider.url || CODE_ASSIST_BASE_URL, path, "");
  const what = path.replace(/^\/v1internal[:/]/, "");
  try {
    const res = await request(url, {
      method,
      dispatcher: o.dispatcher,
      headers: { ...(method === "POST" ? { "content-type": "application/json" } : {}), "x-goog-api-client": "GeminiCLI/1.0", ...o.authHeaders },
      body: method === "POST" ? JSON.stringify(body) : undefined,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_ANSWER_BYTES) {
        res.body.destroy();
        throw new CodeAssistProjectError(`${what} answered more than 64 KiB`);
      }
      chunks.push(chunk as Buffer);
    }
    if (res.statusCode >= 300) throw new CodeAssistProjectError(`${what} answered ${res.statusCode}`);
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    if (error instanceof CodeAssistProjectError) throw error;
    throw new CodeAssistProjectError(`${what} failed: ${(error as Error).message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/** The tier Gemini CLI onboards an account to: the one marked default, else the legacy tier. */
function onboardTier(load: Record<string, unknown>): string {
  const tiers = Array.isArray(load.allowedTiers) ? load.allowedTiers : [];
  for (const tier of tiers) if (isObject(tier) && tier.isDefault === true && typeof tier.id === "string" && tier.id) return tier.id.slice(0, 100);
  return "legacy-tier";
}

/** Onboards a never-onboarded account as Gemini CLI's first sign-in does; its project, if the operation yields one. */
async function onboard(provider: CachedProvider, load: Record<string, unknown>, o: CallOptions, sleep: (ms: number) => Promise<void>): Promise<string | undefined> {
  // No project is sent: the hub knows none (a configured one never gets here), and the free tier must not have one.
  const body = { tierId: onboardTier(load), metadata: METADATA };
  let operation = await call(provider, "POST", "/v1internal:onboardUser", body, o);
  for (const delay of POLL_DELAYS_MS) {
    if (!isObject(operation) || operation.done === true) break;
    const name = operation.name;
    if (typeof name !== "string" || !OPERATION_NAME.test(name) || name.includes("..")) throw new CodeAssistProjectError("onboardUser answered an operation without a usable name");
    await sleep(delay);
    operation = await call(provider, "GET", `/v1internal/${name}`, undefined, o);
  }
  if (!isObject(operation) || operation.done !== true) throw new CodeAssistProjectError("onboarding the Code Assist account did not finish in time; try again shortly");
  if (operation.error) throw new CodeAssistProjectError(`onboarding the Code Assist account failed: ${String((operation.error as { message?: unknown }).message ?? "").slice(0, 300)}`);
  return projectOf(isObject(operation.response) ? operation.response : undefined);
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The provider's project: configured, cached, or asked of loadCodeAssist with the provider's
 * credentials (onboarding the account first if it never was). Throws CodeAssistProjectError
 * when there is none to be had.
 */
export async function codeAssistProject(provider: CachedProvider, authHeaders: Record<string, string>, dispatcher: Dispatcher, now = Date.now(), sleep = realSleep): Promise<string> {
  const configured = configuredProject(provider);
  if (configured) return configured;
  const key = cacheKey(provider);
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.project;
  let lookup = pending.get(key);
  if (!lookup) {
    lookup = discover(provider, { authHeaders, dispatcher }, sleep).finally(() => pending.delete(key));
    pending.set(key, lookup);
  }
  const project = await lookup;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, { project, until: now + TTL_MS });
  return project;
}

async function discover(provider: CachedProvider, o: CallOptions, sleep: (ms: number) => Promise<void>): Promise<string> {
  const load = await call(provider, "POST", "/v1internal:loadCodeAssist", { metadata: METADATA }, o);
  const project = projectOf(load) ?? (isObject(load) && !load.currentTier ? await onboard(provider, load, o, sleep) : undefined);
  if (!project) {
    throw new CodeAssistProjectError(
      "the Code Assist account has no Cloud project: set the project as the provider's custom header x-goog-user-project (Workspace accounts need one), or sign in once with Gemini CLI",
    );
  }
  return project;
}
