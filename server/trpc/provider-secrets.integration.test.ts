/**
 * A provider's proxy URL (which can hold a password) and custom headers (which often hold a
 * token) are kept like the upstream key: encrypted in the database, masked in every answer and
 * audit row, and kept when an edit sends the masked value back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../test-support/hub.ts";

const PROXY_PASSWORD = "pr0xy-pass-991";
const PROXY_URL = `http://proxyuser:${PROXY_PASSWORD}@127.0.0.1:3128`;
const HEADER_SECRET = "hdr-secret-5521";
const SECRETS = [PROXY_PASSWORD, HEADER_SECRET];

interface View {
  id: number;
  name: string;
  proxyUrl: string | null;
  customHeaders: Record<string, string>;
}

let t: TestHub;
let created: View;
let createdText: string;

beforeAll(async () => {
  t = await startTestHub();
  const res = await t.adminRaw("providers/create", {
    name: "behind-proxy",
    url: "http://127.0.0.1:9",
    key: "sk-upstream-abcdef-0001",
    providerType: "claude",
    proxyUrl: PROXY_URL,
    customHeaders: { "X-Gateway-Token": HEADER_SECRET, "X-Title": "hub" },
  });
  createdText = await res.text();
  expect(res.status).toBe(200);
  created = JSON.parse(createdText) as View;
});

afterAll(async () => {
  await t?.stop();
});

async function storedRow(id: number) {
  const [row] = await t.hub.db.sql<{ proxy_url: string | null; custom_headers: string }>(
    "SELECT proxy_url, custom_headers::text AS custom_headers FROM providers WHERE id = $1",
    [id],
  );
  return row;
}

describe("provider proxy URL and custom headers", () => {
  it("are answered masked: the proxy password and every header value hidden, names kept", () => {
    expect(created.proxyUrl).toBe("http://proxyuser:****@127.0.0.1:3128/");
    expect(created.customHeaders).toEqual({ "X-Gateway-Token": "****", "X-Title": "****" });
    for (const secret of SECRETS) expect(createdText).not.toContain(secret);
  });

  it("are stored encrypted, and the hub still dials with the real values", async () => {
    const row = await storedRow(created.id);
    for (const secret of SECRETS) expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.custom_headers).not.toContain("X-Gateway-Token");
    const cached = t.hub.catalog.provider(created.id);
    expect(cached?.proxyUrl).toBe(PROXY_URL);
    expect(cached?.customHeaders).toEqual({ "X-Gateway-Token": HEADER_SECRET, "X-Title": "hub" });
  });

  it("keep their stored secrets when an edit sends the masked values back", async () => {
    const updated = await t.admin<View>("providers/update", {
      id: created.id,
      name: "behind-proxy-renamed",
      proxyUrl: created.proxyUrl,
      customHeaders: { ...created.customHeaders, "X-Extra": "plain" },
    });
    expect(updated.name).toBe("behind-proxy-renamed");
    const cached = t.hub.catalog.provider(created.id);
    expect(cached?.proxyUrl).toBe(PROXY_URL);
    expect(cached?.customHeaders).toEqual({ "X-Gateway-Token": HEADER_SECRET, "X-Title": "hub", "X-Extra": "plain" });
  });

  it("change when an edit sends new values", async () => {
    await t.admin("providers/update", { id: created.id, proxyUrl: "socks5://127.0.0.1:1080", customHeaders: { "X-Title": "new" } });
    const cached = t.hub.catalog.provider(created.id);
    expect(cached?.proxyUrl).toBe("socks5://127.0.0.1:1080");
    expect(cached?.customHeaders).toEqual({ "X-Title": "new" });
  });

  it("never appear in the audit log", async () => {
    // Audit rows are written after the change without blocking it: wait until all three exist.
    let rows: Array<{ action: string; before: unknown; after: unknown }> = [];
    for (let i = 0; i < 100 && rows.length < 3; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      rows = await t.hub.db.sql("SELECT action, before, after FROM audit_log WHERE target_type = 'provider' ORDER BY id");
    }
    expect(rows.map((r) => r.action)).toEqual(["providers.create", "providers.update", "providers.update"]);
    for (const secret of SECRETS) expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it("are encrypted at start when an older version left them in plaintext", async () => {
    const legacy = await t.admin<View>("providers/create", { name: "legacy", url: "http://127.0.0.1:9", key: "sk-upstream-legacy-0002", providerType: "claude" });
    await t.hub.db.sql("UPDATE providers SET proxy_url = $1, custom_headers = $2::jsonb WHERE id = $3", [
      PROXY_URL,
      JSON.stringify({ "X-Gateway-Token": HEADER_SECRET }),
      legacy.id,
    ]);
    // A second hub on the same database: its start is where plaintext rows get sealed.
    const restarted = await startTestHub({ database: t.database });
    try {
      const row = await storedRow(legacy.id);
      for (const secret of SECRETS) expect(JSON.stringify(row)).not.toContain(secret);
      expect(restarted.hub.catalog.provider(legacy.id)?.proxyUrl).toBe(PROXY_URL);
      expect(restarted.hub.catalog.provider(legacy.id)?.customHeaders).toEqual({ "X-Gateway-Token": HEADER_SECRET });
      const { items } = await restarted.admin<{ items: View[] }>("providers/list", {});
      expect(items.find((p) => p.id === legacy.id)?.proxyUrl).toBe("http://proxyuser:****@127.0.0.1:3128/");
    } finally {
      await restarted.stop();
    }
  });
});
