/**
 * Step (after parse-request): the user's access lists. A client the user's lists refuse, or a
 * model outside the user's allowed models, ends the request with 403 in the client's envelope
 * before anything is reserved or any upstream contacted. Users with no lists pay one length
 * check each; the client identity is derived once here and reused by provider selection (a
 * provider's own client lists make it ineligible instead of refusing, see routing/candidates.ts).
 */
import type { CachedProvider } from "../../catalog/types.ts";
import type { GatewayContext } from "../context.ts";
import type { GatewayDeps } from "../deps.ts";
import { GatewayError } from "../errors.ts";
import { clientIdentity, judgeClient } from "../../policy/client-identity.ts";
import { userModelAllowed } from "../../policy/model-access.ts";

/** Model names longer than this are not matched against rules (nor echoed in full). */
const MAX_MODEL_LENGTH = 256;

/** Whether any provider of a catalog snapshot has client lists (snapshots are replaced, never mutated). */
const providerListsInUse = new WeakMap<readonly CachedProvider[], boolean>();

function providersFilterClients(providers: readonly CachedProvider[]): boolean {
  let inUse = providerListsInUse.get(providers);
  if (inUse === undefined) {
    inUse = providers.some((p) => p.allowedClients.length > 0 || p.blockedClients.length > 0);
    providerListsInUse.set(providers, inUse);
  }
  return inUse;
}

function shown(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

export function checkAccess(ctx: GatewayContext, deps: GatewayDeps): void {
  const user = ctx.key!.user;
  if (user.allowedClients.length || user.blockedClients.length || providersFilterClients(deps.catalog.providers())) {
    ctx.client = clientIdentity(ctx.userAgent);
  }
  if (ctx.client && (user.allowedClients.length || user.blockedClients.length)) {
    const verdict = judgeClient(user.allowedClients, user.blockedClients, ctx.client);
    if (!verdict.allowed) {
      ctx.chain.policy = { blockedBy: verdict.reason, rule: verdict.rule ? shown(verdict.rule) : undefined };
      const message =
        verdict.reason === "client_blocked"
          ? `This user may not use this client (${ctx.client.family}): it is blocked by the rule "${shown(verdict.rule ?? "")}".`
          : `This user may not use this client (${ctx.client.family}): it is not in the user's allowed clients.`;
      throw new GatewayError("permission", message, {
        blockedBy: verdict.reason,
        details: { code: verdict.reason, client_family: ctx.client.family, ...(verdict.rule ? { rule: verdict.rule } : {}) },
      });
    }
  }
  const model = ctx.request?.model;
  if (model === undefined || !user.allowedModels.length) return;
  if (model.length > MAX_MODEL_LENGTH || !userModelAllowed(user.allowedModels, model)) {
    ctx.chain.policy = { blockedBy: "model_not_allowed" };
    throw new GatewayError("permission", `This user may not use the model "${shown(model)}".`, {
      blockedBy: "model_not_allowed",
      details: { code: "model_not_allowed", model: shown(model) },
    });
  }
}
