/**
 * GET /v1/models and GET /v1beta/models: the models the caller's provider groups can serve, in
 * the shape the asking client expects — OpenAI's list by default, Anthropic's when the request
 * carries anthropic-version, Gemini's on /v1beta. A provider lists the models its allow-list names
 * exactly, plus its redirect sources; a provider that allows every model lists the priced models
 * of its vendor family.
 *
 * /v1/models lists every provider of the caller's groups (Claude and OpenAI clients share the
 * path, so it cannot tell which client asks). /v1beta/models is asked by Gemini clients only: it
 * lists the Gemini providers and the providers of other types that serve Gemini requests through
 * format conversion (decision 0020).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { hashApiKey } from "../auth/api-keys.ts";
import type { CachedProvider, ProviderType } from "../catalog/types.ts";
import type { GatewayDeps } from "./deps.ts";
import { GatewayError } from "./errors.ts";
import type { WireFormat } from "./formats/types.ts";
import { groupsIntersect } from "./routing/candidates.ts";
import { extractApiKey } from "./steps/authenticate.ts";
import { userModelAllowed } from "../policy/model-access.ts";

const FAMILY: Record<ProviderType, (model: string, vendor: string | undefined) => boolean> = {
  claude: (m, v) => v === "anthropic" || m.startsWith("claude"),
  "claude-auth": (m, v) => v === "anthropic" || m.startsWith("claude"),
  codex: (m, v) => v === "openai" || /^(gpt|o\d|codex)/.test(m),
  "openai-compatible": (m, v) => v === "openai" || /^(gpt|o\d)/.test(m),
  gemini: (m, v) => v === "gemini" || m.startsWith("gemini"),
  "gemini-cli": (m, v) => v === "gemini" || m.startsWith("gemini"),
};

function modelsOf(p: CachedProvider, priced: Array<{ modelName: string; vendor: string | undefined }>): string[] {
  const exact = p.allowedModels.filter((r) => r.match === "exact").map((r) => r.pattern);
  const redirected = p.modelRedirects.filter((r) => r.match === "exact").map((r) => r.pattern);
  if (p.allowedModels.length) return [...exact, ...redirected];
  return [...priced.filter((m) => FAMILY[p.providerType](m.modelName, m.vendor)).map((m) => m.modelName), ...redirected];
}

export async function listModels(req: IncomingMessage, res: ServerResponse, path: string, deps: GatewayDeps, format: WireFormat, requestId: string) {
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "x-request-id": requestId });
    res.end(text);
  };
  const fail = (error: GatewayError) => {
    const { contentType, body } = format.renderError(error, requestId);
    res.writeHead(error.status, { "content-type": contentType, "x-request-id": requestId });
    res.end(body);
  };
  let presented: string | undefined;
  try {
    presented = extractApiKey(req.headers, (req.url ?? "").includes("?") ? (req.url ?? "").slice((req.url ?? "").indexOf("?")) : "");
  } catch (error) {
    return fail(error as GatewayError);
  }
  const key = presented ? await deps.catalog.findKeyByHash(hashApiKey(presented)) : null;
  const now = deps.now();
  if (!key || !key.isEnabled || !key.user.isEnabled || (key.expiresAt ?? Infinity) <= now || (key.user.expiresAt ?? Infinity) <= now) {
    return fail(new GatewayError("authentication", presented ? "Invalid, disabled or expired API key." : "Missing API key."));
  }
  const groups = key.groups ?? key.user.groups;
  const priced = deps.catalog.pricedModels();
  const gemini = path === "/v1beta/models";
  const providers = deps.catalog
    .providers()
    .filter((p) => p.isEnabled && groupsIntersect(groups, p.groups))
    .filter((p) => (gemini ? p.providerType === "gemini" || p.providerType === "gemini-cli" || p.allowFormatConversion : true));
  let names = [...new Set(providers.flatMap((p) => modelsOf(p, priced)))].sort();
  if (key.user.allowedModels.length) names = names.filter((n) => userModelAllowed(key.user.allowedModels, n));
  const created = Math.floor(now / 1000);
  if (gemini) {
    return send(200, {
      models: names.map((id) => ({ name: `models/${id}`, displayName: id, supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"] })),
    });
  }
  if (req.headers["anthropic-version"]) {
    const data = names.map((id) => ({ type: "model", id, display_name: id, created_at: new Date(now).toISOString() }));
    return send(200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
  }
  return send(200, { object: "list", data: names.map((id) => ({ id, object: "model", created, owned_by: "claude-code-hub" })) });
}
