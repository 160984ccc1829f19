/**
 * GET /api/logs/export.csv against a real hub: every filtered row exactly once across keyset
 * batches (more rows than a batch, ties on created_at included), the logs page's scopes
 * (admin: all; member: their user's rows, providers and upstream errors hidden; usage-only key:
 * its own rows), CSV-injection-safe cells that still round-trip, bad filters refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, TEST_ADMIN_TOKEN, type TestHub } from "../../test-support/hub.ts";
import { requestLogRow } from "../../test-support/log-records.ts";
import { textCell } from "./csv.ts";

let t: TestHub;
let alice: { id: number };
let bob: { id: number };
let aliceWebKey: string;
let bobCliKey: string;
let bobKeyId: number;
let providerId: number;

const T0 = Date.parse("2026-12-01T00:00:00.000Z");
const ALICE_ROWS = 2_300;
const BOB_ROWS = 150;
const EVIL_MODEL = '=HYPERLINK("http://evil.example","click")';
const EVIL_ERROR = 'upstream said: "no", retry\nlater';

/** A small RFC 4180 reader (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

async function exportCsv(query: Record<string, string> = {}, token = TEST_ADMIN_TOKEN) {
  const res = await fetch(`${t.url}/api/logs/export.csv?${new URLSearchParams(query)}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  const [header, ...rows] = text.startsWith("\uFEFF") ? parseCsv(text.slice(1)) : parseCsv(text);
  const records = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
  return { res, text, header, records };
}

beforeAll(async () => {
  t = await startTestHub();
  alice = await t.admin<{ id: number }>("users/create", { name: "alice" });
  bob = await t.admin<{ id: number }>("users/create", { name: "bob" });
  const aliceKey = await t.admin<{ id: number; key: string }>("keys/create", { userId: alice.id, name: "alice-web", canLoginWebUi: true });
  aliceWebKey = aliceKey.key;
  const bobKey = await t.admin<{ id: number; key: string }>("keys/create", { userId: bob.id, name: "bob-cli" });
  bobCliKey = bobKey.key;
  bobKeyId = bobKey.id;
  const bobOther = await t.admin<{ id: number }>("keys/create", { userId: bob.id, name: "bob-other" });
  providerId = (await t.admin<{ id: number }>("providers/create", { name: "secret-vendor", url: "https://api.example.com", key: "sk-x-123456789", providerType: "claude" })).id;
  for (let i = 0; i < ALICE_ROWS; i++) {
    // Groups of three rows share an instant: the keyset must break ties by id.
    t.hub.logWriter.enqueue({
      requestLog: requestLogRow({
        requestId: `a-${i}`,
        createdAt: new Date(T0 + Math.floor(i / 3) * 1000).toISOString(),
        userId: alice.id,
        keyId: aliceKey.id,
        providerId,
        model: i === 7 ? EVIL_MODEL : "claude-sonnet-4",
        statusCode: i % 10 === 0 ? 502 : 200,
        errorType: i % 10 === 0 ? "upstream_http_error" : null,
        errorMessage: i % 10 === 0 ? EVIL_ERROR : null,
      }),
    });
  }
  for (let i = 0; i < BOB_ROWS; i++) {
    t.hub.logWriter.enqueue({
      requestLog: requestLogRow({ requestId: `b-${i}`, createdAt: new Date(T0 + i * 1000 + 500).toISOString(), userId: bob.id, keyId: i % 2 ? bobKeyId : bobOther.id, providerId, model: "gpt-5" }),
    });
  }
  await t.flushLogs();
  expect(await t.hub.db.prisma.requestLog.count()).toBe(ALICE_ROWS + BOB_ROWS);
});

afterAll(async () => {
  await t?.stop();
});

describe("the admin's export", () => {
  it("streams every row exactly once, newest first, as a UTF-8 CSV download", async () => {
    const { res, text, header, records } = await exportCsv();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="requests-.*\.csv"$/);
    expect(text.startsWith("\uFEFFrequest_id,created_at,user,key,provider,")).toBe(true);
    expect(header).toContain("cost_usd");
    expect(records).toHaveLength(ALICE_ROWS + BOB_ROWS);
    expect(new Set(records.map((r) => r.request_id)).size).toBe(ALICE_ROWS + BOB_ROWS);
    const times = records.map((r) => Date.parse(r.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(records.find((r) => r.request_id === "a-3")).toMatchObject({ user: "alice", key: "alice-web", provider: "secret-vendor", status_code: "200", input_tokens: "10", cost_usd: "0.000100000" });
  });

  it("applies the logs page's filters", async () => {
    expect((await exportCsv({ userId: String(bob.id) })).records).toHaveLength(BOB_ROWS);
    expect((await exportCsv({ keyId: String(bobKeyId) })).records).toHaveLength(BOB_ROWS / 2);
    expect((await exportCsv({ statusCode: "502" })).records).toHaveLength(ALICE_ROWS / 10);
    expect((await exportCsv({ errorsOnly: "1" })).records).toHaveLength(ALICE_ROWS / 10);
    expect((await exportCsv({ requestId: "b-7" })).records.map((r) => r.request_id)).toEqual(["b-7"]);
    expect((await exportCsv({ model: "gpt-5" })).records.every((r) => r.model === "gpt-5")).toBe(true);
    const inWindow = await exportCsv({ from: new Date(T0).toISOString(), to: new Date(T0 + 10_000).toISOString() });
    // alice: 10 instants × 3 rows; bob: rows at +0.5 s … +9.5 s.
    expect(inWindow.records).toHaveLength(30 + 10);
    expect((await exportCsv({ providerId: String(providerId), userId: String(alice.id) })).records).toHaveLength(ALICE_ROWS);
    // The page's "errors only" and request-id filters reach the export too.
    const errors = (await exportCsv({ errorsOnly: "1" })).records;
    expect(errors).toHaveLength(ALICE_ROWS / 10);
    expect(errors.every((r) => r.status_code === "502")).toBe(true);
    expect((await exportCsv({ requestId: "b-3" })).records.map((r) => r.request_id)).toEqual(["b-3"]);
  });

  it("neutralises formulas and quotes separators, and the cells read back as written", async () => {
    const { records, text } = await exportCsv({ userId: String(alice.id), statusCode: "502" });
    expect(records[0].error_message).toBe(EVIL_ERROR);
    const evil = (await exportCsv({ model: EVIL_MODEL })).records;
    expect(evil).toHaveLength(1);
    expect(evil[0].model).toBe(`'${EVIL_MODEL}`);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it("refuses malformed filters", async () => {
    expect((await exportCsv({ statusCode: "abc" })).res.status).toBe(400);
    expect((await exportCsv({ from: "yesterday" })).res.status).toBe(400);
    expect((await exportCsv({ model: "x".repeat(1001) })).res.status).toBe(400);
  });
});

describe("members", () => {
  it("a dashboard member gets their user's rows only, without providers or upstream error text", async () => {
    const { res, records } = await exportCsv({ providerId: "999999" }, aliceWebKey);
    expect(res.status).toBe(200);
    expect(records).toHaveLength(ALICE_ROWS); // the provider filter is not theirs to use
    expect(records.every((r) => r.user === "alice" && r.provider === "upstream")).toBe(true);
    const failed = records.find((r) => r.status_code === "502")!;
    expect(failed.error_message).toBe("The upstream answered with an error. (HTTP 502)");
    expect(JSON.stringify(records)).not.toContain("secret-vendor");
    expect((await exportCsv({ userId: String(bob.id) }, aliceWebKey)).records).toEqual([]);
  });

  it("a usage-only key gets its own key's rows", async () => {
    const { records } = await exportCsv({}, bobCliKey);
    expect(records).toHaveLength(BOB_ROWS / 2);
    expect(records.every((r) => r.key === "bob-cli")).toBe(true);
  });

  it("nobody without credentials", async () => {
    expect((await exportCsv({}, "")).res.status).toBe(401);
  });
});

describe("textCell", () => {
  it("prefixes formula starts and quotes what needs quoting", () => {
    expect(textCell("=1+1")).toBe("'=1+1");
    expect(textCell("+cmd")).toBe("'+cmd");
    expect(textCell("-2")).toBe("'-2");
    expect(textCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(textCell("\tx")).toBe("'\tx");
    expect(textCell('a,"b"')).toBe('"a,""b"""');
    expect(textCell("=a,b")).toBe(`"'=a,b"`);
    expect(textCell("plain")).toBe("plain");
    expect(textCell(null)).toBe("");
  });
});
