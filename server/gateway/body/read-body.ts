/**
 * Reads a request body into memory, refusing anything over the configured limit as soon as
 * the limit is known to be exceeded (from Content-Length, or while reading).
 */
import type { IncomingMessage } from "node:http";
import { GatewayError } from "../errors.ts";

export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(tooLarge(limitBytes));
  }
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

function tooLarge(limit: number) {
  return new GatewayError(
    "request_too_large",
    `The request body exceeds the limit of ${limit} bytes (MAX_REQUEST_BODY_BYTES).`,
  );
}
