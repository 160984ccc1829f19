/**
 * The notification forms: the event names and target types the page offers are the server's,
 * a submitted form becomes the notifications.create input (only the type's config fields, the
 * checked events), and the audit filters read from the URL ignore what is malformed.
 */
import { describe, expect, it } from "vitest";
import { TARGET_TYPES as SERVER_TYPES } from "../../server/notifications/channels/types.ts";
import { EVENT_NAMES as SERVER_EVENTS } from "../../server/notifications/events.ts";
import { auditListInput, parseAuditFilters } from "./audit-filters.ts";
import { parseForm } from "./form-data.ts";
import { EVENT_NAMES, eventField, notificationSettingsSchema, TARGET_TYPES, targetFormSchema } from "./notification-form.ts";

function form(values: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  return data;
}

describe("notification target form", () => {
  it("offers exactly the server's event names and target types", () => {
    expect([...EVENT_NAMES]).toEqual([...SERVER_EVENTS]);
    expect([...TARGET_TYPES]).toEqual([...SERVER_TYPES]);
  });

  it("keeps the type's config fields and the checked events only", () => {
    const parsed = parseForm(
      targetFormSchema,
      form({ name: " team ", type: "telegram", isEnabled: "on", url: "https://left.over", botToken: "1:abc", chatId: "-42", apiUrl: "", [eventField("quota.alert")]: "on", [eventField("system.store_unreachable")]: "on" }),
    );
    expect(parsed).toEqual({ ok: true, data: { name: "team", type: "telegram", isEnabled: true, events: ["quota.alert", "system.store_unreachable"], config: { botToken: "1:abc", chatId: "-42" } } });
  });

  it("asks for a name and a known type", () => {
    const parsed = parseForm(targetFormSchema, form({ name: "", type: "pager" }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.fieldErrors).sort()).toEqual(["name", "type"]);
  });

  it("refuses a leaderboard time that does not parse", () => {
    const base = { quotaAlertPercent: "80", leaderboardTopN: "5", cooldownMinutes: "10", maxPerHour: "30", language: "en" };
    expect(parseForm(notificationSettingsSchema, form({ ...base, leaderboardTime: "09:30" })).ok).toBe(true);
    for (const leaderboardTime of ["9:30", "24:00", "noon", ""]) {
      expect(parseForm(notificationSettingsSchema, form({ ...base, leaderboardTime })).ok).toBe(false);
    }
  });
});

describe("audit filters", () => {
  it("reads actor, entity, action, times and cursor; drops malformed values", () => {
    const f = parseAuditFilters(new URLSearchParams({ actor: "user:12", targetType: "provider", action: "providers.update", from: "2026-12-01T00:00:00Z", to: "garbage", cursor: "99" }));
    expect(f).toEqual({ actor: "user:12", targetType: "provider", action: "providers.update", from: "2026-12-01T00:00:00.000Z", to: undefined, cursor: "99" });
    expect(auditListInput(f)).toMatchObject({ actorUserId: 12, targetType: "provider", cursor: "99", limit: 50 });
    expect(parseAuditFilters(new URLSearchParams({ actor: "root", cursor: "1e9" }))).toMatchObject({ actor: undefined, cursor: undefined });
    expect(auditListInput(parseAuditFilters(new URLSearchParams({ actor: "admin" })))).toMatchObject({ actorType: "admin" });
  });
});
