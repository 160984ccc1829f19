/**
 * Step 2: the bounded body read, and the few fields the gateway needs from it (model, stream,
 * max_tokens, session hints), found without parsing the whole body.
 */
import { readBody } from "../body/read-body.ts";
import type { GatewayContext } from "../context.ts";
import type { GatewayDeps } from "../deps.ts";
import { GatewayError } from "../errors.ts";

export async function parseRequest(ctx: GatewayContext, deps: GatewayDeps): Promise<void> {
  const body = await readBody(ctx.req, deps.env.MAX_REQUEST_BODY_BYTES, deps.bodyBudget && { budget: deps.bodyBudget, until: ctx.res });
  ctx.body = body;
  const info = ctx.format.readRequest(body, ctx.route, ctx.search);
  // Passthrough calls (Code Assist housekeeping such as loadCodeAssist) name no model.
  if (!info.model && ctx.route.kind === "generate") throw new GatewayError("invalid_request", "model: Field required");
  ctx.request = info;
}
