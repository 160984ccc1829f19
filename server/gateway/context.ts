/**
 * The state of one proxied request. Each pipeline step reads and writes named fields of it;
 * settle() turns it into the request log row at the end.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CachedKey, CachedProvider } from "../catalog/types.ts";
import type { AttemptReason, DecisionChain } from "./decision-chain.ts";
import type { GatewayRoute } from "./endpoints.ts";
import type { RequestInfo, WireFormat } from "./formats/types.ts";
import type { CostBreakdown } from "./usage/cost.ts";
import type { Admission } from "./steps/admit.ts";
import type { Usage } from "./usage/usage.ts";
import type { ClientIdentity } from "../policy/client-identity.ts";

export interface GatewayOutcome {
  statusCode: number;
  usage: Usage | undefined;
  responseModel: string | undefined;
  /** Milliseconds from the start of the request to the first response byte sent to the client. */
  ttfbMs: number | undefined;
  errorType: string | undefined;
  errorMessage: string | undefined;
  blockedBy: string | undefined;
  /** The response reached its terminal event (a stream that broke off is not completed). */
  completed: boolean;
  /** What the final provider's breaker learns at settlement. */
  breaker: "success" | "failure" | "none";
}

export interface GatewayContext {
  readonly requestId: string;
  /** Epoch ms at arrival. */
  readonly startedAt: number;
  /** performance.now() at arrival, for durations. */
  readonly startTick: number;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly route: GatewayRoute;
  readonly format: WireFormat;
  /** Path as the client sent it, and its query string ("" or "?…"). */
  readonly search: string;
  readonly clientIp: string | undefined;
  readonly userAgent: string | undefined;
  /** Aborted when the client goes away before the response is complete. */
  readonly clientGone: AbortController;

  key?: CachedKey;
  body?: Buffer;
  request?: RequestInfo;
  /** The model sent upstream when a redirect rule rewrote it. */
  redirectedModel?: string;
  /** The conversation this request belongs to; the binding key is scoped by API key. */
  session?: { id: string; bindingKey: string };
  /** What admission decided and holds for this request (see steps/admit.ts). */
  admission?: Admission;
  /** The provider of the last attempt. */
  provider?: CachedProvider;
  /** Why the current provider is being tried (the decision chain's attempt reason). */
  attemptReason?: AttemptReason;
  chain: DecisionChain;
  /** The caller's client family and User-Agent, derived only when some access list needs it (steps/check-access.ts). */
  client?: ClientIdentity;
  cost?: CostBreakdown | null;
  billedModel?: string;
  outcome: GatewayOutcome;
}
