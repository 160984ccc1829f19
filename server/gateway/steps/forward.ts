/**
 * Step: forward the request to the chosen provider and answer the client — or, when the
 * attempt fails before anything reached the client, answer with the failure in the client's
 * format: the upstream's own error (same format, relayed as it is), 502 for an unreachable or
 * broken upstream, 524 for a timeout.
 */
import type { GatewayContext } from "../context.ts";
import type { GatewayDeps } from "../deps.ts";
import { GatewayError, UpstreamHttpError } from "../errors.ts";
import { providerAdapter } from "../providers/registry.ts";
import { redirectModel } from "../routing/model-rules.ts";
import { runAttempt, type AttemptFailure } from "./dispatch.ts";

function failureToError(failure: AttemptFailure): Error {
  switch (failure.class) {
    case "http_error":
      return new UpstreamHttpError(failure.status!, failure.headers ?? {}, failure.body ?? Buffer.alloc(0), failure.message);
    case "timeout":
      return new GatewayError("upstream_timeout", "The upstream did not answer in time.");
    case "client_abort":
      return new GatewayError("client_closed", failure.message);
    case "fake_200":
    case "empty_stream":
      return new GatewayError("bad_gateway", `The upstream returned an invalid response (${failure.message}).`);
    default:
      return new GatewayError("bad_gateway", `The upstream could not be reached (${failure.message}).`);
  }
}

export async function forward(ctx: GatewayContext, deps: GatewayDeps): Promise<void> {
  const provider = ctx.provider!;
  const adapter = providerAdapter(provider.providerType)!;
  const original = ctx.request!.model!;
  // Redirect rules rewrite the model after selection; the original stays for the log and billing.
  const model = redirectModel(provider.modelRedirects, original);
  ctx.redirectedModel = model !== original ? model : undefined;
  const upstream = ctx.format.prepareUpstream({ route: ctx.route, search: ctx.search, body: ctx.body!, info: ctx.request!, model });
  const result = await runAttempt(ctx, deps, { provider, adapter, upstream, model, reason: "initial", attempt: 1 });
  if (result.ok) {
    ctx.outcome.statusCode = result.status;
    ctx.outcome.usage = result.summary?.usage;
    ctx.outcome.responseModel = result.summary?.model;
    ctx.outcome.completed = !result.brokenAfterCommit && !!result.summary?.completed;
    if (result.brokenAfterCommit) {
      ctx.outcome.errorType = result.brokenAfterCommit.class;
      ctx.outcome.errorMessage = result.brokenAfterCommit.message;
    }
    return;
  }
  if (result.failure.summary) {
    ctx.outcome.usage = result.failure.summary.usage;
    ctx.outcome.responseModel = result.failure.summary.model;
  }
  throw failureToError(result.failure);
}
