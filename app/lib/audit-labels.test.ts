import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { translate as translateIn, type MessageKey } from "../i18n/index.ts";
import { auditActionLabel, auditTargetLabel } from "./audit-labels.ts";

const ROUTERS = path.resolve(__dirname, "../../server/trpc/routers");

/** Every `audit(ctx, "<action>", { type: <type> …` the routers write. */
function auditCalls() {
  const calls: Array<{ action: string; type: string }> = [];
  for (const file of readdirSync(ROUTERS).filter((f) => f.endsWith(".ts") && !f.includes(".test."))) {
    const source = readFileSync(path.join(ROUTERS, file), "utf8");
    for (const m of source.matchAll(/audit\(ctx, "([^"]+)", \{ type: ("([^"]+)"|input\.target)/g)) {
      calls.push({ action: m[1], type: m[3] ?? "input.target" });
    }
  }
  return calls;
}

const translate = (lang: "en" | "zh-CN") => (key: MessageKey) => translateIn(lang, key);

describe("audit labels", () => {
  const calls = auditCalls();

  it("finds the routers' audit calls", () => {
    expect(calls.length).toBeGreaterThan(30);
    expect(calls).toContainEqual({ action: "providers.create", type: "provider" });
  });

  it("names every action and entity type the hub writes, in English and Chinese", () => {
    // quotas.resetTotal's entity is the key or the user whose total is reset.
    const types = new Set(calls.flatMap((c) => (c.type === "input.target" ? ["key", "user"] : [c.type])));
    for (const lang of ["en", "zh-CN"] as const) {
      const t = translate(lang);
      for (const { action } of calls) {
        const label = auditActionLabel(action, t);
        expect(label, `${lang} ${action}`).not.toBe(action);
      }
      for (const type of types) {
        const label = auditTargetLabel(type, t);
        expect(label, `${lang} ${type}`).not.toBe(type);
      }
    }
    expect(auditActionLabel("groups.delete", translate("zh-CN"))).toBe("删除供应商分组");
  });

  it("shows a code it has no name for as it is", () => {
    const t = translate("zh-CN");
    expect(auditActionLabel("widgets.frobnicate", t)).toBe("widgets.frobnicate");
    expect(auditTargetLabel("widget", t)).toBe("widget");
    // An inherited property name is not a dictionary entry.
    expect(auditTargetLabel("constructor", t)).toBe("constructor");
  });
});
