/**
 * Request filters end to end: a real hub (PostgreSQL, Redis, loopback HTTP) in front of the fake
 * upstream, which records what it received. Each filter kind on each request format; response
 * filters on JSON and on streams; scoping; run order; a filter that cannot act; refusals at save.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;
type Tenant = Awaited<ReturnType<typeof seedTenant>>;
const tenants: Record<string, Tenant> = {};

interface FormatCase {
  name: string;
  providerType: string;
  path: string;
  /** Headers that carry the hub key in this format. */
  auth: (key: string) => Record<string, string>;
  body: Record<string, unknown>;
  /** Where the sample field sits in the upstream body (Gemini CLI wraps the request). */
  field: string;
  provider?: Record<string, unknown>;
  user?: Record<string, unknown>;
}

const FORMATS: FormatCase[] = [
  { name: "Messages", providerType: "claude", path: "/v1/messages", auth: (k) => ({ "x-api-key": k }), body: { model: "claude-sonnet-4-5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] }, field: "metadata" },
  { name: "Chat", providerType: "openai-compatible", path: "/v1/chat/completions", auth: (k) => ({ authorization: `Bearer ${k}` }), body: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, field: "metadata" },
  { name: "Responses", providerType: "codex", path: "/v1/responses", auth: (k) => ({ authorization: `Bearer ${k}` }), body: { model: "gpt-5", input: "hi" }, field: "metadata" },
  { name: "Gemini", providerType: "gemini", path: "/v1beta/models/gemini-2.5-flash:generateContent", auth: (k) => ({ "x-goog-api-key": k }), body: { contents: [{ role: "user", parts: [{ text: "hi" }] }] }, field: "labels" },
  {
    name: "Gemini CLI",
    providerType: "gemini-cli",
    path: "/v1internal:generateContent",
    auth: (k) => ({ authorization: `Bearer ${k}` }),
    body: { model: "gemini-2.5-pro", project: "proj-1", request: { contents: [{ role: "user", parts: [{ text: "hi" }] }] } },
    // Paths address the body as sent upstream: Code Assist's wrapper, with the request inside.
    field: "user_prompt_id",
    // A token that is still valid: no refresh (and no token server) is needed.
    provider: {
      groupTag: "codeassist",
      key: JSON.stringify({ access_token: "ya29.valid", refresh_token: "1//r", client_id: "c", client_secret: "s", expiry_date: Date.now() + 3_600_000, token_uri: "http://127.0.0.1:9/token" }),
    },
    user: { providerGroup: "codeassist" },
  },
];

function send(format: FormatCase, headers: Record<string, string> = {}, body: Record<string, unknown> = format.body) {
  return fetch(`${t.url}${format.path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...format.auth(tenants[format.name].key.key), ...headers },
    body: JSON.stringify(body),
  });
}

interface FilterNote {
  id: number;
  name: string;
  phase: string;
  providerId: number;
  applied: number;
  skipped: number;
  skipReason?: string;
}

async function chainFilters(res: Response): Promise<FilterNote[]> {
  await t.flushLogs();
  const log = await t.admin<{ decisionChain: { filters?: FilterNote[] } }>("logs/get", { requestId: res.headers.get("x-request-id") });
  return log.decisionChain.filters ?? [];
}

const created: number[] = [];
async function createFilter(filter: Record<string, unknown>): Promise<{ id: number }> {
  const row = await t.admin<{ id: number }>("filters/create", filter);
  created.push(row.id);
  return row;
}

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
  for (const f of FORMATS) tenants[f.name] = await seedTenant(t, fake.url, { providerType: f.providerType, provider: f.provider, user: f.user });
});

afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

beforeEach(() => fake.reset());
afterEach(async () => {
  for (const id of created.splice(0)) await t.admin("filters/delete", { id });
});

describe.each(FORMATS)("request filters on $name", (format) => {
  it("sets, replaces and deletes body fields and headers before forwarding, and the decision chain lists them", async () => {
    const providerIds = [tenants[format.name].provider.id];
    const body = await createFilter({ name: "tag", scope: "body", action: "set", target: format.field, value: { team: "blue" }, bindingType: "providers", providerIds });
    const header = await createFilter({ name: "org", scope: "header", action: "set", target: "X-Org", value: "acme", bindingType: "providers", providerIds });
    await createFilter({ name: "ua", scope: "header", action: "replace", target: "user-agent", matchPattern: "^my-tool/(\\d+)", value: "relay/$1", bindingType: "providers", providerIds });
    await createFilter({ name: "drop", scope: "header", action: "delete", target: "x-internal", bindingType: "providers", providerIds });

    const res = await send(format, { "user-agent": "my-tool/7 (linux)", "x-internal": "secret" });
    expect(res.status).toBe(200);
    const seen = fake.requests[0];
    expect((seen.json as Record<string, unknown>)[format.field]).toEqual({ team: "blue" });
    expect(seen.headers["x-org"]).toBe("acme");
    expect(seen.headers["user-agent"]).toBe("relay/7 (linux)");
    expect(seen.headers["x-internal"]).toBeUndefined();
    // The upstream still gets the provider's credentials, never the client's key.
    expect(JSON.stringify(seen.headers)).toContain(format.name === "Gemini CLI" ? "Bearer ya29.valid" : tenants[format.name].upstreamKey);
    expect(JSON.stringify(seen.headers)).not.toContain(tenants[format.name].key.key);

    const notes = await chainFilters(res);
    expect(notes.map((n) => [n.name, n.applied, n.skipped])).toEqual(
      expect.arrayContaining([
        ["tag", 1, 0],
        ["org", 1, 0],
        ["ua", 1, 0],
        ["drop", 1, 0],
      ]),
    );
    expect(notes.find((n) => n.id === body.id)?.providerId).toBe(tenants[format.name].provider.id);
    expect(notes.some((n) => n.id === header.id)).toBe(true);
  });

  it("rewrites text in the JSON response and in every streamed event", async () => {
    const providerIds = [tenants[format.name].provider.id];
    // A path that reaches the text in this format's JSON answer and in its stream events.
    const paths: Record<string, [string, string]> = {
      Messages: ["content[*].text", "delta.text"],
      Chat: ["choices[*].message.content", "choices[*].delta.content"],
      Responses: ["output[*].content[*].text", "delta"],
      Gemini: ["candidates[*].content.parts[*].text", "candidates[*].content.parts[*].text"],
      "Gemini CLI": ["response.candidates[*].content.parts[*].text", "response.candidates[*].content.parts[*].text"],
    };
    const [jsonPath, eventPath] = paths[format.name];
    await createFilter({ name: "json", phase: "response", scope: "body", action: "replace", target: jsonPath, matchPattern: "secret", value: "[hidden]", bindingType: "providers", providerIds });
    await createFilter({ name: "events", phase: "response", scope: "body", action: "replace", target: eventPath, matchPattern: "secret", value: "[hidden]", bindingType: "providers", providerIds, priority: -1 });

    const json = await send(format, { "x-fake-behaviour": JSON.stringify({ text: "the secret word" }) });
    expect(json.status).toBe(200);
    const text = await json.text();
    expect(text).toContain("the [hidden] word");
    expect(text).not.toContain("secret");

    const streamPaths: Record<string, string> = { Gemini: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "Gemini CLI": "/v1internal:streamGenerateContent?alt=sse" };
    const streamBody = streamPaths[format.name] ? format.body : { ...format.body, stream: true };
    const streamFormat = streamPaths[format.name] ? { ...format, path: streamPaths[format.name] } : format;
    // One delta per word: "secret" arrives whole in one event.
    const stream = await send(streamFormat, { "x-fake-behaviour": JSON.stringify({ text: "a secret b secret", chunks: 2 }) }, streamBody);
    expect(stream.status).toBe(200);
    const raw = await stream.text();
    // Responses also repeats the whole text in its closing events (".done", "response.completed"),
    // which this delta filter does not target: only the deltas are checked there.
    const events = format.name === "Responses" ? raw.split("\n\n").filter((e) => e.includes("output_text.delta")).join("\n\n") : raw;
    expect(events).not.toContain("secret");
    expect((events.match(/\[hidden\]/g) ?? []).length).toBe(2);
    const notes = await chainFilters(stream);
    expect(notes.find((n) => n.name === "events")?.applied).toBeGreaterThan(0);
  });
});

describe("request filters, across formats", () => {
  const messages = FORMATS[0];
  const mine = () => ({ bindingType: "providers", providerIds: [tenants.Messages.provider.id] });

  it("skips a filter that cannot act on a request, notes why, and still forwards it", async () => {
    await createFilter({ name: "absent", scope: "body", action: "delete", target: "metadata.user_id", ...mine() });
    await createFilter({ name: "not-text", scope: "body", action: "replace", target: "max_tokens", matchPattern: "5", value: "6", ...mine() });
    const res = await send(messages);
    expect(res.status).toBe(200);
    expect(fake.requests[0].json).toMatchObject({ max_tokens: 50 });
    const notes = await chainFilters(res);
    expect(notes.find((n) => n.name === "absent")).toMatchObject({ applied: 0, skipped: 1, skipReason: "metadata.user_id: absent" });
    expect(notes.find((n) => n.name === "not-text")).toMatchObject({ applied: 0, skipped: 1, skipReason: "max_tokens: not text" });
  });

  it("runs only the filters scoped to the provider or its group, and none are noted with no filter", async () => {
    await createFilter({ name: "other", scope: "body", action: "set", target: "metadata", value: { x: 1 }, bindingType: "providers", providerIds: [tenants.Chat.provider.id] });
    await createFilter({ name: "other-group", scope: "body", action: "set", target: "metadata", value: { x: 2 }, bindingType: "groups", groupTags: ["nobody"] });
    const res = await send(messages);
    expect(res.status).toBe(200);
    expect((fake.requests[0].json as Record<string, unknown>).metadata).toBeUndefined();
    expect(await chainFilters(res)).toEqual([]);
  });

  it("runs filters in the stated order and follows a reorder", async () => {
    const a = await createFilter({ name: "a", scope: "body", action: "set", target: "metadata", value: { by: "a" }, ...mine() });
    const b = await createFilter({ name: "b", scope: "body", action: "set", target: "metadata", value: { by: "b" }, ...mine() });
    // a runs first, then b: the last write is b's.
    await t.admin("filters/reorder", { ids: [a.id, b.id] });
    await send(messages);
    expect(fake.requests[0].json).toMatchObject({ metadata: { by: "b" } });
    await t.admin("filters/reorder", { ids: [b.id, a.id] });
    await send(messages);
    expect(fake.requests[1].json).toMatchObject({ metadata: { by: "a" } });
    // A disabled filter does not run.
    await t.admin("filters/update", { id: a.id, isEnabled: false });
    await send(messages);
    expect(fake.requests[2].json).toMatchObject({ metadata: { by: "b" } });
  });

  it.each([
    [{ scope: "body", action: "delete", target: "model" }, /may not delete the model/],
    [{ scope: "header", action: "delete", target: "Authorization" }, /credentials/],
    [{ scope: "header", action: "set", target: "x-api-key", value: "sk-other" }, /credentials/],
    [{ scope: "body", action: "replace", target: "system", matchPattern: "(a" }, /Not a valid regular expression/],
    [{ scope: "body", action: "replace", target: "system", matchPattern: "(?=a)" }, /Not a valid regular expression/],
    [{ scope: "body", action: "set", target: "messages[x]", value: 1 }, /Invalid path/],
  ])("refuses %j at save time with a clear message", async (filter, message) => {
    const res = await t.adminRaw("filters/create", { name: "bad", ...filter });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(message);
    const { items } = await t.admin<{ items: unknown[] }>("filters/list");
    expect(items).toEqual([]);
  });

  it("names a refused path's reason with a code beside the English message", async () => {
    const res = await t.adminRaw("filters/create", { name: "bad", scope: "body", action: "set", target: "metadata[", value: 1 });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      message: `Invalid path "metadata[": a '[' is not closed`,
      data: { hubCode: "filterPathUnclosed", hubVars: { path: "metadata[" }, fieldErrors: { target: [`Invalid path "metadata[": a '[' is not closed`] } },
    });
  });

  it.each([
    ["Gemini", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "candidates[*].content.parts[*].text", false],
    ["Gemini", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "candidates[*].content.parts[*].text", true],
    ["Gemini CLI", "/v1internal:streamGenerateContent", "response.candidates[*].content.parts[*].text", false],
  ])("rewrites every element of a %s stream sent as one JSON array (no alt=sse; gzip %s)", async (name, path, target, gzip) => {
    const format = FORMATS.find((f) => f.name === name)!;
    await createFilter({ name: "elements", phase: "response", scope: "body", action: "replace", target, matchPattern: "secret", value: "[hidden]", bindingType: "providers", providerIds: [tenants[name].provider.id] });
    const res = await send({ ...format, path }, { "x-fake-behaviour": JSON.stringify({ text: "a secret b secret", chunks: 2, gzip }) });
    expect(res.status).toBe(200);
    const raw = await res.text();
    // Still one well-formed array, element for element, with the text rewritten in each.
    const elements = JSON.parse(raw) as unknown[];
    expect(elements.length).toBeGreaterThan(1);
    // The upstream's framing is kept: its ",\r\n" between every two elements.
    expect(raw.split(",\r\n")).toHaveLength(elements.length);
    expect(raw).not.toContain("secret");
    expect((raw.match(/\[hidden\]/g) ?? []).length).toBe(2);
    const notes = await chainFilters(res);
    expect(notes.find((n) => n.name === "elements")).toMatchObject({ applied: 2, skipped: 0 });
  });

  it("shows a sample request before and after in the tester", async () => {
    await createFilter({ name: "tag", scope: "body", action: "set", target: "metadata.user_id", value: "anon" });
    await createFilter({ name: "org", scope: "header", action: "set", target: "x-org", value: "acme" });
    const out = await t.admin<{ before: { body: string }; after: { body: string; headers: Record<string, string> }; ran: FilterNote[] }>("filters/test", {
      sample: { headers: {}, body: JSON.stringify({ model: "m", metadata: { user_id: "alice" } }) },
    });
    expect(JSON.parse(out.before.body)).toEqual({ model: "m", metadata: { user_id: "alice" } });
    expect(JSON.parse(out.after.body)).toEqual({ model: "m", metadata: { user_id: "anon" } });
    expect(out.after.headers).toEqual({ "x-org": "acme" });
    expect(out.ran.map((r) => r.name)).toEqual(["tag", "org"]);
  });

  it("shows a sample response before and after the response filters: JSON, pasted events and a JSON-array stream", async () => {
    await createFilter({ name: "hide", phase: "response", scope: "body", action: "replace", target: "delta.text", matchPattern: "secret", value: "[hidden]" });
    await createFilter({ name: "hide-json", phase: "response", scope: "body", action: "replace", target: "content[*].text", matchPattern: "secret", value: "[hidden]" });
    await createFilter({ name: "hide-gemini", phase: "response", scope: "body", action: "replace", target: "candidates[*].content.parts[*].text", matchPattern: "secret", value: "[hidden]" });
    await createFilter({ name: "tag", scope: "body", action: "set", target: "metadata.user_id", value: "anon" });
    type Out = { after: { body: string }; ran: FilterNote[]; response?: { kind: string; before: { body: string }; after: { body: string }; ran: FilterNote[] } };
    const tryIt = (body: string) => t.admin<Out>("filters/test", { sample: { body: '{"model":"m"}' }, response: { body } });

    const json = await tryIt(JSON.stringify({ content: [{ type: "text", text: "the secret" }] }));
    expect(json.response!.kind).toBe("json");
    expect(JSON.parse(json.response!.after.body)).toEqual({ content: [{ type: "text", text: "the [hidden]" }] });
    expect(json.response!.ran.find((r) => r.name === "hide-json")).toMatchObject({ applied: 1 });
    // The request side is still shown, with the request filters only.
    expect(json.ran.map((r) => r.name)).toEqual(["tag"]);

    // As pasted into a text area: CRLF line ends, and no blank line after the last event.
    const events = 'event: content_block_delta\r\ndata: {"delta":{"text":"a secret"}}\r\n\r\nevent: content_block_delta\r\ndata: {"delta":{"text":"b secret"}}';
    const sse = await tryIt(events);
    expect(sse.response!.kind).toBe("sse");
    expect(sse.response!.before.body).toBe(events);
    expect(sse.response!.after.body).not.toContain("secret");
    expect(sse.response!.after.body.match(/\[hidden\]/g)).toHaveLength(2);
    expect(sse.response!.ran.find((r) => r.name === "hide")).toMatchObject({ applied: 2 });
    expect(sse.response!.ran.find((r) => r.name === "hide-json")).toMatchObject({ applied: 0, skipReason: "content[*].text: reached nothing in the sample" });

    const array = await tryIt(`[{"candidates":[{"content":{"parts":[{"text":"a secret"}]}}]},\r\n{"candidates":[{"content":{"parts":[{"text":"plain"}]}}]}]`);
    expect(array.response!.kind).toBe("json-array");
    expect(array.response!.after.body).toBe(`[{"candidates":[{"content":{"parts":[{"text":"a [hidden]"}]}}]},\r\n{"candidates":[{"content":{"parts":[{"text":"plain"}]}}]}]`);
  });
});
