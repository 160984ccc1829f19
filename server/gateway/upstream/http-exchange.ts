/**
 * One HTTP exchange with an upstream, through undici's low-level dispatch API: no stream
 * objects in between, response chunks go straight to a sink, and the sink applies
 * backpressure by returning false (the exchange pauses until resume()).
 */
import type { Dispatcher } from "undici";

export interface ExchangeSink {
  /** Status and headers arrived (header names are lowercase). */
  onStart(status: number, headers: Record<string, string | string[] | undefined>): void;
  /** A body chunk; return false to pause the upstream until Exchange.resume(). */
  onData(chunk: Buffer): boolean;
  onEnd(): void;
  /** Network failure, timeout, or abort (with the abort reason). Called at most once, and never after onEnd. */
  onError(error: Error): void;
}

export interface ExchangeRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

export interface Exchange {
  abort(reason: Error): void;
  resume(): void;
}

export function startExchange(dispatcher: Dispatcher, request: ExchangeRequest, sink: ExchangeSink): Exchange {
  let controller: Dispatcher.DispatchController | undefined;
  let pendingAbort: Error | undefined;
  let settled = false;

  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(c) {
      controller = c;
      if (pendingAbort) c.abort(pendingAbort);
    },
    onResponseStart(_c, statusCode, headers) {
      if (statusCode < 200) return; // informational responses are not the answer
      sink.onStart(statusCode, headers as Record<string, string | string[] | undefined>);
    },
    onResponseData(c, chunk) {
      if (!sink.onData(chunk)) c.pause();
    },
    onResponseEnd() {
      if (settled) return;
      settled = true;
      sink.onEnd();
    },
    onResponseError(_c, error) {
      if (settled) return;
      settled = true;
      sink.onError(error);
    },
  };

  try {
    dispatcher.dispatch(
      {
        origin: request.url.origin,
        path: request.url.pathname + request.url.search,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body,
        headersTimeout: request.headersTimeoutMs,
        bodyTimeout: request.bodyTimeoutMs,
      },
      handler,
    );
  } catch (error) {
    // Invalid options are reported like any other failure of the exchange.
    queueMicrotask(() => handler.onResponseError?.(undefined as never, error as Error));
  }

  return {
    abort(reason) {
      if (settled) return;
      if (controller) controller.abort(reason);
      else pendingAbort = reason;
    },
    resume() {
      controller?.resume();
    },
  };
}
