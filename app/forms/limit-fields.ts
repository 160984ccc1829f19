/** The quota fields users, keys and providers share (same names as the hub's limit fields). */
import { z } from "zod";
import type { MessageKey } from "../i18n/index.ts";
import { msg, nullableNumber } from "./form-data.ts";

const USD = { min: 0, max: 1_000_000_000 };
const COUNT = { min: 0, max: 1_000_000_000, integer: true };

export const LIMIT_FIELDS = [
  { name: "rpmLimit", label: "limits.rpm", unit: "count" },
  { name: "limit5hUsd", label: "limits.fiveHour", unit: "usd" },
  { name: "limitDailyUsd", label: "limits.daily", unit: "usd" },
  { name: "limitWeeklyUsd", label: "limits.weekly", unit: "usd" },
  { name: "limitMonthlyUsd", label: "limits.monthly", unit: "usd" },
  { name: "limitTotalUsd", label: "limits.total", unit: "usd" },
  { name: "limitConcurrentSessions", label: "limits.concurrent", unit: "count" },
] as const satisfies ReadonlyArray<{ name: string; label: MessageKey; unit: "usd" | "count" }>;

export type LimitFieldName = (typeof LIMIT_FIELDS)[number]["name"];

/** Empty means no limit (null). */
export const limitFormFields = {
  rpmLimit: nullableNumber(COUNT),
  limit5hUsd: nullableNumber(USD),
  limitDailyUsd: nullableNumber(USD),
  dailyResetMode: z.enum(["fixed", "rolling"]).default("fixed"),
  // The time field (TimeField) submits "HH:mm" as typed; empty means midnight, the hub's default.
  dailyResetTime: z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : "00:00"),
    z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg("form.timeOfDay")),
  ),
  limitWeeklyUsd: nullableNumber(USD),
  limitMonthlyUsd: nullableNumber(USD),
  limitTotalUsd: nullableNumber(USD),
  limitConcurrentSessions: nullableNumber(COUNT),
};
