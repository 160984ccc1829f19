/**
 * Reads a request body into memory, refusing anything over the configured limit as soon as
 * the limit is known to be exceeded (from Content-Length, or while reading) — and, with a
 * budget, anything that would take the bodies held hub-wide over its cap (body-budget.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { GatewayError } from "../errors.ts";
import type { BodyBudget } from "./body-budget.ts";

/** The hub-wide body budget, and the response whose end gives the body's bytes back. */
export interface BodyBudgetLease {
  budget: BodyBudget;
  until: ServerResponse;
}

export function readBody(req: IncomingMessage, limitBytes: number, lease?: BodyBudgetLease): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(tooLarge(limitBytes));
  }
  // Bytes taken from the budget, given back once when the response is over (however it ends).
  let taken = 0;
  if (lease) lease.until.once("close", () => lease.budget.give(taken));
  const take = (bytes: number): boolean => {
    if (!lease) return true;
    if (!lease.budget.tryTake(bytes)) return false;
    taken += bytes;
    return true;
  };
  // A declared length is taken whole before a byte is read: the refusal costs no upload.
  const upFront = Number.isFinite(declared) && declared > 0 ? declared : 0;
  if (!take(upFront)) return Promise.reject(busy(lease!.budget));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        reject(tooLarge(limitBytes));
        return;
      }
      // Bytes beyond the declared length (chunked bodies: all of them) are taken as they come.
      if (size > upFront && !take(size - Math.max(upFront, size - chunk.length))) {
        cleanup();
        reject(busy(lease!.budget));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new GatewayError("client_closed", `the request body could not be read: ${error.message}`));
    };
    const onClose = () => {
      if (req.readableEnded) return;
      cleanup();
      reject(new GatewayError("client_closed", "the client closed the connection while sending the request"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

function busy(budget: BodyBudget) {
  return new GatewayError("no_provider", `The hub is holding too many request bodies at once (MAX_BUFFERED_BODY_BYTES, ${budget.capBytes} bytes); retry shortly.`, {
    blockedBy: "body_budget",
    // The rest of the body is not read: the connection closes after the answer.
    headers: { "retry-after": "1", connection: "close" },
  });
}

function tooLarge(limit: number) {
  return new GatewayError(
    "request_too_large",
    `The request body exceeds the limit of ${limit} bytes (MAX_REQUEST_BODY_BYTES).`,
  );
}
