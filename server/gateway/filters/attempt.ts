/**
 * Request filters for one upstream attempt: the hooks forward.ts and dispatch.ts call.
 *
 * They run per attempt because they may be scoped to a provider or a provider group, and the
 * provider is known only then. With no filter for the attempt's provider, forAttempt() returns
 * undefined and the attempt does no extra work at all; the body is parsed only when a body
 * filter of the request phase applies. Every filter that acts or skips is noted in the
 * decision chain (aggregated per filter and provider, so a stream of events adds counts, not
 * entries).
 */
import type { DecisionChain, FilterNote } from "../decision-chain.ts";
import type { UpstreamRequest } from "../formats/types.ts";
import { applyToDocument, applyToHeaders, type ActionResult } from "./apply.ts";
import { appliesTo, type CompiledFilter } from "../../domain/request-filters/rules.ts";
import { JsonArrayElementFilter } from "./json-array.ts";
import { SseEventFilter } from "./sse.ts";

/** What dispatch.ts feeds a streamed response through: the bytes that may leave now, then the rest. */
export interface ResponseStreamFilter {
  push(chunk: Buffer): Buffer;
  end(): Buffer;
}

export class AttemptFilters {
  private readonly notes = new Map<number, FilterNote>();

  private constructor(
    private readonly filters: CompiledFilter[],
    private readonly providerId: number,
    private readonly chain: DecisionChain,
  ) {}

  /** The filters that apply to this provider, in run order; undefined when there are none. */
  static forAttempt(all: readonly CompiledFilter[], provider: { id: number; groups: readonly string[] }, chain: DecisionChain): AttemptFilters | undefined {
    if (!all.length) return undefined;
    const mine = all.filter((f) => appliesTo(f, provider));
    return mine.length ? new AttemptFilters(mine, provider.id, chain) : undefined;
  }

  private note(filter: CompiledFilter, result: ActionResult): void {
    let note = this.notes.get(filter.id);
    if (!note) {
      note = { id: filter.id, name: filter.name, phase: filter.phase, providerId: this.providerId, applied: 0, skipped: 0 };
      this.notes.set(filter.id, note);
      (this.chain.filters ??= []).push(note);
    }
    if (result.applied) note.applied++;
    else {
      note.skipped++;
      note.skipReason = result.reason;
    }
  }

  private some(phase: "request" | "response", scope: "header" | "body"): CompiledFilter[] {
    return this.filters.filter((f) => f.phase === phase && f.scope === scope);
  }

  /** The upstream request with the body filters applied (the same object when none applies). */
  rewriteRequestBody(upstream: UpstreamRequest): UpstreamRequest {
    const filters = this.some("request", "body");
    if (!filters.length) return upstream;
    let doc: unknown;
    try {
      doc = JSON.parse(upstream.body.toString("utf8"));
    } catch {
      for (const f of filters) this.note(f, { applied: false, reason: "the request body is not JSON" });
      return upstream;
    }
    let changed = false;
    for (const f of filters) {
      const result = applyToDocument(f, doc);
      this.note(f, result);
      changed ||= result.applied;
    }
    return changed ? { ...upstream, body: Buffer.from(JSON.stringify(doc)) } : upstream;
  }

  /** Applies the request header filters to the headers built for the upstream (in place). */
  rewriteRequestHeaders(headers: Record<string, string>, authHeaders: Record<string, string>): Record<string, string> {
    for (const f of this.some("request", "header")) this.note(f, applyToHeaders(f, headers, authHeaders));
    return headers;
  }

  /** Applies the response header filters to the headers the client gets (in place). */
  rewriteResponseHeaders(headers: Record<string, string | string[]>): Record<string, string | string[]> {
    const filters = this.some("response", "header");
    if (!filters.length) return headers;
    // Header filters work on single values; a repeated header is joined the way HTTP allows.
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(", ") : value;
    for (const f of filters) this.note(f, applyToHeaders(f, flat));
    return flat;
  }

  /** A complete JSON response body with the response body filters applied. */
  rewriteResponseJson(body: Buffer): Buffer {
    const filters = this.some("response", "body");
    if (!filters.length) return body;
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString("utf8"));
    } catch {
      for (const f of filters) this.note(f, { applied: false, reason: "the response body is not JSON" });
      return body;
    }
    let changed = false;
    for (const f of filters) {
      const result = applyToDocument(f, doc);
      this.note(f, result);
      changed ||= result.applied;
    }
    return changed ? Buffer.from(JSON.stringify(doc)) : body;
  }

  /**
   * A per-event transformer for a streamed response, or undefined when no response body filter
   * applies: server-sent events one event at a time, and a Gemini stream without alt=sse (one
   * JSON array sent piece by piece) one array element at a time. Either holds only the
   * unfinished event or element.
   */
  responseStream(isSse: boolean): ResponseStreamFilter | undefined {
    const filters = this.some("response", "body");
    if (!filters.length) return undefined;
    const rewrite = (doc: unknown) => {
      let changed = false;
      for (const f of filters) {
        const result = applyToDocument(f, doc);
        // An event the path does not reach (most events of a stream) is not worth a note.
        if (result.applied) this.note(f, result);
        changed ||= result.applied;
      }
      return changed;
    };
    if (isSse) return new SseEventFilter(rewrite);
    return new JsonArrayElementFilter(rewrite, (reason) => {
      for (const f of filters) this.note(f, { applied: false, reason });
    });
  }
}
