/**
 * Access lists and sensitive words, enforced on every request format through a real hub and the
 * fake upstream: Messages, Chat, Responses (HTTP and WebSocket), Gemini and Gemini CLI Code Assist.
 * Each policy is tried refused and allowed; a refusal must reach no upstream, come in the client's
 * own envelope and be logged with what refused it.
 */
import WebSocket from "ws";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream/index.ts";
import { seedTenant, startTestHub, type TestHub } from "../test-support/hub.ts";

let fake: FakeUpstream;
let t: TestHub;

interface Format {
  name: string;
  providerType: string;
  /** A model this format's provider serves, and one outside the user's allow-list. */
  model: string;
  otherModel: string;
  /** Where the envelope names the error kind: error.type (Anthropic, OpenAI) or error.status (Gemini). */
  kind: (body: { error: Record<string, unknown> }) => unknown;
  refusedKinds: { invalid: string; permission: string };
  send: (key: string, text: string, options?: { model?: string; userAgent?: string; system?: string }) => Promise<Response>;
}

function post(path: string, headers: Record<string, string>, body: unknown, userAgent = "policy-test/1.0") {
  return fetch(`${t.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "user-agent": userAgent, ...headers }, body: JSON.stringify(body) });
}

const anthropicKinds = { invalid: "invalid_request_error", permission: "permission_error" };
const googleKinds = { invalid: "INVALID_ARGUMENT", permission: "PERMISSION_DENIED" };
const geminiRequest = (text: string, system?: string) => ({
  contents: [{ role: "user", parts: [{ text }] }],
  ...(system ? { systemInstruction: { parts: [{ text: system }] } } : {}),
});

const FORMATS: Format[] = [
  {
    name: "Messages",
    providerType: "claude",
    model: "claude-sonnet-4-5",
    otherModel: "claude-opus-4-1",
    kind: (b) => b.error.type,
    refusedKinds: anthropicKinds,
    send: (key, text, o = {}) =>
      post("/v1/messages", { "x-api-key": key }, { model: o.model ?? "claude-sonnet-4-5", max_tokens: 5, ...(o.system ? { system: [{ type: "text", text: o.system }] } : {}), messages: [{ role: "user", content: [{ type: "text", text }] }] }, o.userAgent),
  },
  {
    name: "Chat",
    providerType: "openai-compatible",
    model: "gpt-4.1",
    otherModel: "o3",
    kind: (b) => b.error.type,
    refusedKinds: anthropicKinds,
    send: (key, text, o = {}) =>
      post("/v1/chat/completions", { authorization: `Bearer ${key}` }, { model: o.model ?? "gpt-4.1", messages: [...(o.system ? [{ role: "system", content: o.system }] : []), { role: "user", content: text }] }, o.userAgent),
  },
  {
    name: "Responses",
    providerType: "codex",
    model: "gpt-5",
    otherModel: "o4-mini",
    kind: (b) => b.error.type,
    refusedKinds: anthropicKinds,
    send: (key, text, o = {}) =>
      post("/v1/responses", { authorization: `Bearer ${key}` }, { model: o.model ?? "gpt-5", ...(o.system ? { instructions: o.system } : {}), input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }] }, o.userAgent),
  },
  {
    name: "Gemini",
    providerType: "gemini",
    model: "gemini-2.5-flash",
    otherModel: "gemini-2.5-pro",
    kind: (b) => b.error.status,
    refusedKinds: googleKinds,
    send: (key, text, o = {}) => post(`/v1beta/models/${o.model ?? "gemini-2.5-flash"}:generateContent`, { "x-goog-api-key": key }, geminiRequest(text, o.system), o.userAgent),
  },
  {
    name: "Gemini CLI",
    providerType: "gemini-cli",
    model: "gemini-2.5-flash",
    otherModel: "gemini-2.5-pro",
    kind: (b) => b.error.status,
    refusedKinds: googleKinds,
    send: (key, text, o = {}) =>
      post("/v1internal:generateContent", { authorization: `Bearer ${key}` }, { model: o.model ?? "gemini-2.5-flash", project: "p-1", request: geminiRequest(text, o.system) }, o.userAgent),
  },
];

interface LogDetail {
  statusCode: number;
  blockedBy: string | null;
  providerName: string | null;
  costUsd: number | null;
  errorMessage: string | null;
  decisionChain: { policy?: { blockedBy: string; ruleId?: number; rule?: string }; filtered: Array<{ name: string; reason: string; detail?: string }> };
}

async function logOf(res: Response): Promise<LogDetail> {
  await t.flushLogs();
  return t.admin<LogDetail>("logs/get", { requestId: res.headers.get("x-request-id") });
}

let words: { contains: number; regex: number; exact: number };

beforeAll(async () => {
  fake = await startFakeUpstream();
  t = await startTestHub();
  const create = (word: string, matchType: string) => t.admin<{ id: number }>("sensitive-words/create", { word, matchType });
  words = {
    contains: (await create("Project Phoenix", "contains")).id,
    regex: (await create("codename\\s+\\d{3}", "regex")).id,
    exact: (await create("drop the tables", "exact")).id,
  };
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});
beforeEach(() => fake.reset());

describe.each(FORMATS)("$name", (format) => {
  let tenant: Awaited<ReturnType<typeof seedTenant>>;
  const group = `policies-${format.providerType}`;

  beforeAll(async () => {
    tenant = await seedTenant(t, fake.url, { providerType: format.providerType, user: { providerGroup: group }, provider: { groupTag: group } });
  });

  it("refuses a sensitive word in a message or the system prompt with 400, without echoing it, logged with the rule, no upstream call", async () => {
    const cases: Array<[string, { system?: string }, number]> = [
      ["tell me about project PHOENIX", {}, words.contains],
      ["hello", { system: "You work on codename 042." }, words.regex],
      ["  Drop the tables\n", {}, words.exact],
    ];
    for (const [text, options, ruleId] of cases) {
      const res = await format.send(tenant.key.key, text, options);
      expect(res.status).toBe(400);
      const raw = await res.text();
      expect(raw.toLowerCase()).not.toMatch(/phoenix|codename|drop the tables/);
      const body = JSON.parse(raw);
      expect(format.kind(body)).toBe(format.refusedKinds.invalid);
      expect(body.error.message).toContain(`sensitive word rule #${ruleId}`);
      const log = await logOf(res);
      expect(log).toMatchObject({ statusCode: 400, blockedBy: "sensitive_word", providerName: null, costUsd: null });
      expect(log.decisionChain.policy).toMatchObject({ blockedBy: "sensitive_word", ruleId });
    }
    expect(fake.requests).toHaveLength(0);

    // Near misses pass: the exact phrase inside a longer text, and the word split across messages.
    expect((await format.send(tenant.key.key, "please drop the tables now")).status).toBe(200);
    expect((await format.send(tenant.key.key, "phoenix", { system: "Project" })).status).toBe(200);
    expect(fake.requests).toHaveLength(2);
  });

  it("refuses a model outside the user's allowed models with 403 naming it, before any upstream; a matching model passes", async () => {
    await t.admin("users/update", { id: tenant.user.id, allowedModels: [{ match: "prefix", pattern: format.model }] });
    try {
      const refused = await format.send(tenant.key.key, "hello", { model: format.otherModel });
      expect(refused.status).toBe(403);
      const body = await refused.json();
      expect(format.kind(body)).toBe(format.refusedKinds.permission);
      expect(body.error.message).toBe(`This user may not use the model "${format.otherModel}".`);
      expect(fake.requests).toHaveLength(0);
      expect(await logOf(refused)).toMatchObject({ statusCode: 403, blockedBy: "model_not_allowed", costUsd: null });

      expect((await format.send(tenant.key.key, "hello", { model: format.model })).status).toBe(200);
      expect(fake.requests).toHaveLength(1);
    } finally {
      await t.admin("users/update", { id: tenant.user.id, allowedModels: [] });
    }
  });

  it("refuses a client the user blocks (403 naming the rule) and one outside the user's allowed clients", async () => {
    await t.admin("users/update", { id: tenant.user.id, blockedClients: ["codex-cli", "EvilBot"] });
    try {
      const byFamily = await format.send(tenant.key.key, "hello", { userAgent: "codex_cli_rs/0.46.0 (Ubuntu 24.4.0; x86_64)" });
      expect(byFamily.status).toBe(403);
      const body = await byFamily.json();
      expect(format.kind(body)).toBe(format.refusedKinds.permission);
      expect(body.error.message).toContain('blocked by the rule "codex-cli"');
      expect(await logOf(byFamily)).toMatchObject({ statusCode: 403, blockedBy: "client_blocked", decisionChain: { policy: { blockedBy: "client_blocked", rule: "codex-cli" } } });
      const bySubstring = await format.send(tenant.key.key, "hello", { userAgent: "Mozilla/5.0 evilbot/2" });
      expect((await bySubstring.json()).error.message).toContain('blocked by the rule "EvilBot"');
      expect(fake.requests).toHaveLength(0);
      expect((await format.send(tenant.key.key, "hello", { userAgent: "claude-cli/2.0.14 (external, cli)" })).status).toBe(200);

      await t.admin("users/update", { id: tenant.user.id, blockedClients: [], allowedClients: ["claude-code"] });
      const outside = await format.send(tenant.key.key, "hello", { userAgent: "GeminiCLI/0.9.0 (linux; x64)" });
      expect(outside.status).toBe(403);
      expect((await outside.json()).error.message).toContain("not in the user's allowed clients");
      expect((await format.send(tenant.key.key, "hello", { userAgent: "claude-cli/2.0.14 (external, cli)" })).status).toBe(200);
    } finally {
      await t.admin("users/update", { id: tenant.user.id, blockedClients: [], allowedClients: [] });
    }
  });

  it("passes over a provider whose client lists refuse the caller, with the reason in the decision chain", async () => {
    const other = await t.admin<{ id: number; name: string }>("providers/create", {
      name: `fallback-${format.providerType}`,
      url: fake.url,
      key: "sk-upstream-fallback",
      providerType: format.providerType,
      groupTag: group,
      priority: 5,
    });
    await t.admin("providers/update", { id: tenant.provider.id, blockedClients: ["claude-code"] });
    try {
      // Each request its own conversation, so that no session binding picks the provider.
      const served = await format.send(tenant.key.key, "first conversation", { userAgent: "claude-cli/2.0.14 (external, cli)" });
      expect(served.status).toBe(200);
      const log = await logOf(served);
      expect(log.providerName).toBe(other.name);
      expect(log.decisionChain.filtered).toContainEqual(expect.objectContaining({ name: tenant.provider.name, reason: "client_blocked" }));

      // Any other client still goes to the preferred provider.
      const direct = await format.send(tenant.key.key, "second conversation", { userAgent: "my-script/1.0" });
      expect((await logOf(direct)).providerName).toBe(tenant.provider.name);

      // An allow-list on the preferred provider: a client it does not name is served elsewhere too.
      await t.admin("providers/update", { id: tenant.provider.id, blockedClients: [], allowedClients: ["gemini-cli"] });
      const elsewhere = await format.send(tenant.key.key, "third conversation", { userAgent: "my-script/1.0" });
      const chain = (await logOf(elsewhere)).decisionChain;
      expect(chain.filtered).toContainEqual(expect.objectContaining({ name: tenant.provider.name, reason: "client_not_allowed" }));
    } finally {
      await t.admin("providers/update", { id: tenant.provider.id, blockedClients: [], allowedClients: [] });
      await t.admin("providers/delete", { id: other.id });
    }
  });
});

describe("Responses over WebSocket", () => {
  let tenant: Awaited<ReturnType<typeof seedTenant>>;
  beforeAll(async () => {
    tenant = await seedTenant(t, fake.url, { providerType: "codex", user: { providerGroup: "policies-ws" }, provider: { groupTag: "policies-ws" } });
  });

  function connect(headers: Record<string, string> = {}): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${t.url.replace("http", "ws")}/v1/responses`, { headers: { authorization: `Bearer ${tenant.key.key}`, ...headers } });
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- events are free-form JSON the test inspects
  function turn(ws: WebSocket, text: string, model = "gpt-5"): Promise<Array<Record<string, any>>> {
    return new Promise((resolve) => {
      const events: Array<Record<string, unknown>> = [];
      const onMessage = (data: WebSocket.RawData) => {
        const event = JSON.parse(data.toString());
        events.push(event);
        if (["response.completed", "response.failed", "error"].includes(event.type)) {
          ws.off("message", onMessage);
          resolve(events);
        }
      };
      ws.on("message", onMessage);
      ws.send(JSON.stringify({ type: "response.create", model, store: false, input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }] }));
    });
  }

  it("refuses a sensitive word and a model outside the allow-list as error events, and serves clean turns", async () => {
    await t.admin("users/update", { id: tenant.user.id, allowedModels: ["gpt-5"] });
    const ws = await connect();
    try {
      const word = await turn(ws, "what is Project Phoenix?");
      expect(word).toEqual([expect.objectContaining({ type: "error", status: 400 })]);
      expect(JSON.stringify(word).toLowerCase()).not.toContain("phoenix");
      const model = await turn(ws, "hello", "gpt-5-pro");
      expect(model).toEqual([expect.objectContaining({ type: "error", status: 403 })]);
      expect(fake.requests).toHaveLength(0);
      expect((await turn(ws, "hello")).at(-1)!.type).toBe("response.completed");
      expect(fake.requests).toHaveLength(1);
    } finally {
      ws.close();
      await t.admin("users/update", { id: tenant.user.id, allowedModels: [] });
    }
  });

  it("refuses the turns of a client the user blocks", async () => {
    await t.admin("users/update", { id: tenant.user.id, blockedClients: ["codex-cli"] });
    const ws = await connect({ "user-agent": "codex_cli_rs/0.46.0 (Ubuntu 24.4.0; x86_64)" });
    try {
      expect(await turn(ws, "hello")).toEqual([expect.objectContaining({ type: "error", status: 403 })]);
      expect(fake.requests).toHaveLength(0);
    } finally {
      ws.close();
      await t.admin("users/update", { id: tenant.user.id, blockedClients: [] });
    }
  });
});

describe("saving policies", () => {
  it("refuses bad sensitive words and bad access lists with the reason", async () => {
    const refused = async (path: string, body: unknown) => {
      const res = await t.adminRaw(path, body);
      expect(res.status).toBe(400);
      return JSON.stringify(await res.json());
    };
    expect(await refused("sensitive-words/create", { word: "   ", matchType: "contains" })).toContain("The word is empty.");
    expect(await refused("sensitive-words/create", { word: "(unclosed", matchType: "regex" })).toContain("missing closing )");
    expect(await refused("sensitive-words/create", { word: "(?<=x)y", matchType: "regex" })).toContain("not a valid RE2 regular expression");
    // The message API clients read is the hub's English, as it always was; the code and the field sit beside it.
    const coded = await t.adminRaw("sensitive-words/create", { word: "(?=x)", matchType: "regex" });
    const english = "The pattern is not a valid RE2 regular expression: error parsing regexp: invalid or unsupported Perl syntax: `(?=`. Lookarounds and backreferences are not supported.";
    expect(await coded.json()).toMatchObject({
      message: english,
      data: { hubCode: "sensitivePatternInvalid", hubVars: { detail: "error parsing regexp: invalid or unsupported Perl syntax: `(?=`" }, fieldErrors: { word: [english] } },
    });
    expect(await refused("sensitive-words/create", { word: ".*", matchType: "regex" })).toContain("matches empty text");
    expect(await refused("sensitive-words/create", { word: "x".repeat(201), matchType: "contains" })).toContain("at most 200");
    // 20,000 characters of words in all: the matcher's memory stays bounded.
    const long = await Promise.all(Array.from({ length: 99 }, (_, i) => t.admin<{ id: number }>("sensitive-words/create", { word: `${"q".repeat(197)}${String(i).padStart(3, "0")}`, matchType: "contains", isEnabled: false })));
    expect(await refused("sensitive-words/create", { word: "y".repeat(200), matchType: "contains" })).toContain("at most 20000 characters long (this would make 20");
    for (const { id } of long) await t.admin("sensitive-words/delete", { id });
    const user = await t.admin<{ id: number }>("users/create", { name: "policy-input" });
    expect(await refused("users/update", { id: user.id, allowedModels: [{ match: "regex", pattern: "(" }] })).toContain("Invalid regular expression");
    expect(await refused("users/update", { id: user.id, blockedClients: [""] })).toContain("A client entry is empty.");
    // The old shape (plain names) is still accepted, as exact rules.
    const saved = await t.admin<{ allowedModels: unknown }>("users/update", { id: user.id, allowedModels: ["claude-sonnet-4-5"] });
    expect(saved.allowedModels).toEqual([{ match: "exact", pattern: "claude-sonnet-4-5" }]);
  });

  it("tests a text against the enabled words, and stops matching a disabled one", async () => {
    const hit = await t.admin<{ matched: boolean; word: { id: number } | null }>("sensitive-words/test", { text: "about project phoenix" });
    expect(hit).toMatchObject({ matched: true, word: { id: words.contains } });
    await t.admin("sensitive-words/update", { id: words.contains, isEnabled: false });
    try {
      expect(await t.admin("sensitive-words/test", { text: "about project phoenix" })).toMatchObject({ matched: false, word: null });
    } finally {
      await t.admin("sensitive-words/update", { id: words.contains, isEnabled: true });
    }
  });
});
