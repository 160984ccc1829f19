/**
 * Step (per attempt, after the upstream answered): carry the upstream's answer to the client.
 * dispatch.ts owns the upstream call (request, timers, client close, decompression) and feeds
 * this relay the status, the headers and the plain body bytes; the relay decides what the
 * client sees and when.
 *
 * - An error status is kept (bounded, secrets redacted) and reported as a failed attempt; the
 *   client sees nothing, so the attempt can be retried or failed over.
 * - A JSON body is held whole (up to JSON_BUFFER_LIMIT), checked for an error inside a 2xx
 *   (fake 200), converted when the attempt converts formats, run through the response filters
 *   and sent with its length. A larger one streams through unchecked (a converted one cannot).
 * - A stream goes through the format's tap (or the conversion's) and the filters, and is held
 *   until its first content event (at most HOLD_LIMIT_BYTES): before that commit point an
 *   upstream error event or an empty stream is a failed attempt. After it, writes follow the
 *   client's backpressure (`push` returns false until it drains), and a failure ends the stream
 *   with a well-formed error event of the client's format.
 * - `draining`: the client left but the provider's policy reads the stream to its end for
 *   billing; writes are dropped.
 */
import type { ServerResponse } from "node:http";
import type { CachedSettings } from "../../catalog/types.ts";
import { redactSecrets } from "../../auth/secrets.ts";
import { streamBreakError } from "../error-detail.ts";
import type { AttemptFilters } from "../filters/attempt.ts";
import type { ResponseOptions, ResponseSummary, StreamTap, WireFormat } from "../formats/types.ts";
import { clientResponseHeaders } from "../upstream/headers.ts";
import type { ConversionPlan } from "./convert.ts";

/** A stream with no content event after this many bytes is committed anyway. */
export const HOLD_LIMIT_BYTES = 256 * 1024;
/** Error bodies are kept up to this size (the rest is discarded). */
export const ERROR_BODY_LIMIT = 64 * 1024;
/** Non-streamed bodies are read whole up to this size to detect a fake 200; larger ones stream through. */
export const JSON_BUFFER_LIMIT = 16 * 1024 * 1024;

export type FailureClass = "http_error" | "network_error" | "timeout" | "fake_200" | "empty_stream" | "client_abort";

export interface AttemptFailure {
  class: FailureClass;
  message: string;
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: Buffer;
  /** What the response showed before it failed (usage of an aborted stream is still billed). */
  summary?: ResponseSummary;
}

export type AttemptResult =
  | { ok: true; summary: ResponseSummary; status: number; brokenAfterCommit?: AttemptFailure }
  | { ok: false; failure: AttemptFailure };

/** The client's side of the answer: what the relay writes to. */
export type ClientResponse = Pick<ServerResponse, "writeHead" | "write" | "end" | "destroy" | "destroyed" | "once">;

export interface ResponseRelayOptions {
  res: ClientResponse;
  requestId: string;
  /** The client's wire format (its stream error event when the tap has none). */
  clientFormat: WireFormat;
  /** What the upstream's answer is read as: the client's format, or the upstream's when converting. */
  format: WireFormat;
  /** The client asked for a stream. */
  streaming: boolean;
  tapOptions: ResponseOptions;
  conversion?: ConversionPlan;
  filters?: AttemptFilters;
  /** The provider's credentials and header values, never relayed even when the upstream echoes them. */
  secrets: readonly string[];
  settings: () => Pick<CachedSettings, "verboseProviderError" | "passThroughUpstreamErrorMessage">;
  /** The first byte is about to reach the client (time to first byte). */
  onCommit(): void;
  /** Stops the upstream call (the error comes back through `fail`). */
  abort(error: Error): void;
  /** The attempt's outcome; called once. */
  finish(result: AttemptResult): void;
}

export class ResponseRelay {
  mode: "error" | "json" | "stream" = "json";
  committed = false;
  /** The client left and the stream is read to its end for billing: writes are dropped. */
  draining = false;
  private status = 0;
  private upstreamHeaders: Record<string, string | string[] | undefined> = {};
  private tap: StreamTap | undefined;
  private events: ReturnType<AttemptFilters["responseStream"]>;
  private readonly held: Buffer[] = [];
  private heldBytes = 0;

  constructor(private readonly o: ResponseRelayOptions) {}

  /** The upstream's status and headers (already without the encoding headers of a body the dispatcher decodes). */
  start(status: number, headers: Record<string, string | string[] | undefined>, contentType: string): void {
    const { format, conversion, filters, streaming, tapOptions } = this.o;
    this.status = status;
    this.upstreamHeaders = headers;
    if (status >= 300) this.mode = "error";
    else if (contentType.includes("text/event-stream") || (streaming && format.streamsJson)) {
      this.mode = "stream";
      this.tap = conversion ? conversion.createTap() : format.createStreamTap(tapOptions);
      this.events = filters?.responseStream(conversion ? conversion.clientSse : contentType.includes("text/event-stream"));
    } else this.mode = "json";
  }

  /** A piece of the (plain) body. Returns false when the client pushes back; `resume` is called once it drains. */
  push(chunk: Buffer, resume: () => void): boolean {
    const { conversion } = this.o;
    if (this.mode === "stream") {
      const tapped = this.tap!.push(chunk);
      const forward = this.events ? this.events.push(tapped) : tapped;
      if (this.committed) return forward.length ? this.write(forward, resume) : true;
      if (forward.length) this.held.push(forward);
      this.heldBytes += chunk.length;
      if (this.tap!.summary().sawContent || this.heldBytes > HOLD_LIMIT_BYTES) return this.commitHeld(resume);
      return true;
    }
    if (this.mode === "error") {
      if (this.heldBytes < ERROR_BODY_LIMIT) this.held.push(chunk);
      this.heldBytes += chunk.length;
      return true;
    }
    // json
    if (this.committed) return this.write(chunk, resume);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes > JSON_BUFFER_LIMIT && conversion) {
      // A converted answer must be read whole, and one this large is not an answer to convert.
      this.o.abort(new Error(`the upstream's answer exceeds ${JSON_BUFFER_LIMIT} bytes and cannot be converted`));
      return true;
    }
    if (this.heldBytes > JSON_BUFFER_LIMIT) {
      // Too large to hold: pass it through (usage unknown, fake 200 undetectable).
      this.tap = undefined;
      return this.commitHeld(resume);
    }
    return true;
  }

  /** The body ended. */
  end(): void {
    const { format, conversion, filters, tapOptions, res } = this.o;
    const status = this.status;
    if (this.mode === "error") {
      // The hub's credentials for this upstream never go further, even when the vendor echoes them.
      const body = redactSecrets(Buffer.concat(this.held).subarray(0, ERROR_BODY_LIMIT), [...this.o.secrets]);
      this.o.finish({
        ok: false,
        failure: { class: "http_error", status, headers: this.upstreamHeaders, body, message: `upstream answered ${status}: ${body.toString("utf8", 0, 300)}` },
      });
      return;
    }
    if (this.mode === "json") {
      if (this.committed) {
        this.endAfterCommit(undefined);
        return;
      }
      const received = Buffer.concat(this.held, this.heldBytes);
      const summary = format.summarizeJson(received, tapOptions);
      if (summary.error) {
        this.o.finish({ ok: false, failure: { class: "fake_200", status, message: `${summary.error.type}: ${summary.error.message}`, body: received } });
        return;
      }
      let converted: Buffer = received;
      // An upstream that ignored `stream` answered JSON: a converted answer becomes the client's stream.
      const asStream = !!conversion && this.o.streaming;
      if (conversion) {
        try {
          converted = conversion.convertJson(received, asStream);
        } catch (error) {
          this.o.finish({ ok: false, failure: { class: "fake_200", status, message: `the upstream's answer could not be converted (${conversion.label}): ${(error as Error).message}`, body: received } });
          return;
        }
      }
      this.committed = true;
      this.o.onCommit();
      const body = filters && !asStream ? filters.rewriteResponseJson(converted) : converted;
      const headers = this.responseHeaders(asStream);
      headers["content-length"] = String(body.length);
      res.writeHead(status, headers);
      res.end(body);
      this.o.finish({ ok: true, status, summary });
      return;
    }
    // stream
    const tail = this.tap!.end();
    const rest = this.events ? Buffer.concat([this.events.push(tail ?? Buffer.alloc(0)), this.events.end()]) : tail;
    if (rest?.length) this.held.push(rest);
    const summary = this.tap!.summary();
    if (!this.committed) {
      if (summary.error) {
        this.o.finish({ ok: false, failure: { class: "fake_200", status, message: `stream error event: ${summary.error.type}: ${summary.error.message}` } });
        return;
      }
      if (!summary.completed) {
        this.o.finish({ ok: false, failure: { class: "empty_stream", status, message: "the upstream stream ended before any content" } });
        return;
      }
      this.commit();
    }
    for (const c of this.held.splice(0)) this.write(c, () => undefined);
    if (summary.error) {
      // The upstream's own error event already reached the client: the attempt failed.
      this.endAfterCommit({ class: "fake_200", message: `stream error event: ${summary.error.type}: ${summary.error.message}` }, false);
      return;
    }
    if (!summary.completed) {
      this.endAfterCommit({ class: "network_error", message: "the stream ended without its terminal event" });
      return;
    }
    this.endAfterCommit(undefined);
  }

  /**
   * The upstream call failed: `clientGone` when the client left (nothing more is written), else
   * `failure` (a network error or a timeout) ends the attempt or, after the commit point, the
   * client's stream with an error event.
   */
  fail(failure: AttemptFailure, clientGone: boolean): void {
    if (clientGone) {
      if (this.committed && !this.o.res.destroyed) this.o.res.destroy();
      this.o.finish({ ok: false, failure: { class: "client_abort", status: 499, message: "the client closed the connection", summary: this.tapSummary() } });
      return;
    }
    if (this.committed) {
      this.endAfterCommit(failure);
      return;
    }
    this.o.finish({ ok: false, failure });
  }

  /** The stream's summary with how much generated text it carried (what a dropped stream is billed from). */
  tapSummary(): ResponseSummary | undefined {
    return this.tap ? { ...this.tap.summary(), generatedBytes: this.tap.generatedBytes() } : undefined;
  }

  private responseHeaders(streamBody = this.mode === "stream") {
    const { conversion, filters, requestId } = this.o;
    const headers = clientResponseHeaders(this.upstreamHeaders, requestId);
    if (conversion) {
      // The body is the client's format now: its own content type, and no length of the upstream's.
      headers["content-type"] = conversion.contentType(streamBody);
      delete headers["content-length"];
    }
    return filters ? filters.rewriteResponseHeaders(headers) : headers;
  }

  private commit() {
    this.committed = true;
    this.o.onCommit();
    this.o.res.writeHead(this.status, this.responseHeaders());
  }

  private commitHeld(resume: () => void): boolean {
    this.commit();
    let ok = true;
    for (const c of this.held.splice(0)) ok = this.write(c, resume);
    return ok;
  }

  private write(chunk: Buffer, resume: () => void): boolean {
    const { res } = this.o;
    if (res.destroyed || this.draining) return true;
    const ok = res.write(chunk);
    if (!ok) res.once("drain", resume);
    return ok;
  }

  private endAfterCommit(failure: AttemptFailure | undefined, tellClient = true) {
    const { res, format, tapOptions, requestId, clientFormat } = this.o;
    const summary = this.tapSummary() ?? format.summarizeJson(Buffer.alloc(0), tapOptions);
    if (failure && tellClient && !res.destroyed && !this.draining) {
      const error = streamBreakError(failure.class === "timeout" ? "upstream_timeout" : "bad_gateway", failure.message, requestId, this.o.settings());
      res.write(this.tap?.renderError ? this.tap.renderError(error, requestId) : clientFormat.renderStreamError(error, requestId));
    }
    if (!res.destroyed) res.end();
    if (this.draining) {
      this.o.finish({ ok: true, status: this.status, summary, brokenAfterCommit: { class: "client_abort", message: "the client closed the connection (the stream was drained for billing)", summary } });
      return;
    }
    this.o.finish({ ok: true, status: this.status, summary, brokenAfterCommit: failure });
  }
}
