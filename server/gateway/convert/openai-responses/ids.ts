/**
 * Responses-typical ids made from the hub's request id ("req_<32 hex>"), for a response whose
 * upstream spoke another format: "resp_<hex>" for the response, "msg_/rs_/fc_<hex>_<n>" for its
 * output items. Deterministic, so fixtures can compare them and a stream's events agree with the
 * final response object.
 */

/** The request id's letters and digits without its "req_" prefix (ids allow [A-Za-z0-9_-]). */
export function idStem(requestId: string): string {
  const stem = requestId.replace(/^req_/, "").replace(/[^A-Za-z0-9]/g, "");
  return stem || "0";
}

export function responseId(upstreamId: string, requestId: string): string {
  // An upstream id of the Responses family is kept; anything else (msg_…, chatcmpl-…) is not
  // what a Responses client expects to see.
  return upstreamId.startsWith("resp_") ? upstreamId : `resp_${idStem(requestId)}`;
}

export type ItemKind = "msg" | "rs" | "fc";

export function itemId(kind: ItemKind, requestId: string, n: number): string {
  return `${kind}_${idStem(requestId)}_${n}`;
}
