/**
 * The text of a notification, in the language the admin chose for notifications (the people
 * reading a team's WeCom group are not the dashboard's viewers, so it is a setting, not a cookie).
 * Every channel renders the same title and lines in its own format.
 */
import type { NotificationEvent } from "./events.ts";

export type NotificationLanguage = "en" | "zh-CN";
export const NOTIFICATION_LANGUAGES: readonly NotificationLanguage[] = ["en", "zh-CN"];

export interface Rendered {
  title: string;
  lines: string[];
}

type Texts = Record<NotificationEvent["name"], (d: NotificationEvent["data"]) => Rendered>;

const s = (v: unknown) => (v === null || v === undefined ? "-" : String(v));

const EN: Texts = {
  test: () => ({ title: "Claude Code Hub: test notification", lines: ["This target receives the hub's notifications."] }),
  "provider.breaker_opened": (d) => ({
    title: `Provider ${s(d.provider)}: circuit breaker opened`,
    lines: [`${s(d.failures)} counted failures; requests skip this provider until ${s(d.openUntil)}.`],
  }),
  "provider.breaker_closed": (d) => ({
    title: `Provider ${s(d.provider)}: circuit breaker closed`,
    lines: ["The provider answers again and takes requests."],
  }),
  "quota.alert": (d) => ({
    title: `Quota alert: ${s(d.scopeType)} ${s(d.name)} at ${s(d.percent)}% of its ${s(d.window)} limit`,
    lines: [`Spent $${s(d.spentUsd)} of $${s(d.limitUsd)}.`, d.resetAt ? `The window resets at ${s(d.resetAt)}.` : "A rolling window."],
  }),
  "leaderboard.daily": (d) => ({
    title: `Daily leaderboard for ${s(d.day)}`,
    lines: String(d.ranking ?? "").split("\n").filter(Boolean).concat(d.ranking ? [] : ["No billed requests."]),
  }),
  "system.database_unreachable": (d) => ({
    title: "The hub cannot reach its database",
    lines: [`Since ${s(d.since)} on ${s(d.instance)}. Requests are served; logs are spooled to disk.`, s(d.error)],
  }),
  "system.log_spool_growing": (d) => ({
    title: "The request-log spool is growing",
    lines: [`${s(d.spoolBytes)} bytes waiting on ${s(d.instance)}: rows cannot be written to the database.`],
  }),
  "system.price_sync_failed": (d) => ({ title: "The price sync failed", lines: [s(d.error)] }),
  "system.unpriced_model": (d) => ({
    title: `Model without a price: ${s(d.model)}`,
    lines: ["Its requests are billed at $0 until it has a price (add one on the Prices page, or let the price sync find it)."],
  }),
  "system.store_unreachable": (d) => ({
    title: "The hub cannot reach its store (Redis)",
    lines: [`Since ${s(d.since)} on ${s(d.instance)}. Limits and breakers follow the fail mode setting.`, s(d.error)],
  }),
};

const ZH: Texts = {
  test: () => ({ title: "Claude Code Hub：测试通知", lines: ["此目标可以收到中转站的通知。"] }),
  "provider.breaker_opened": (d) => ({
    title: `供应商 ${s(d.provider)}：熔断器已打开`,
    lines: [`已计入 ${s(d.failures)} 次失败；在 ${s(d.openUntil)} 之前请求会跳过此供应商。`],
  }),
  "provider.breaker_closed": (d) => ({ title: `供应商 ${s(d.provider)}：熔断器已关闭`, lines: ["供应商已恢复，重新接收请求。"] }),
  "quota.alert": (d) => ({
    title: `配额告警：${s(d.scopeType)} ${s(d.name)} 已用 ${s(d.window)} 限额的 ${s(d.percent)}%`,
    lines: [`已花费 $${s(d.spentUsd)}，限额 $${s(d.limitUsd)}。`, d.resetAt ? `窗口于 ${s(d.resetAt)} 重置。` : "滚动窗口。"],
  }),
  "leaderboard.daily": (d) => ({
    title: `${s(d.day)} 每日排行榜`,
    lines: String(d.ranking ?? "").split("\n").filter(Boolean).concat(d.ranking ? [] : ["没有计费请求。"]),
  }),
  "system.database_unreachable": (d) => ({
    title: "中转站无法连接数据库",
    lines: [`自 ${s(d.since)} 起（${s(d.instance)}）。请求照常处理，日志暂存到磁盘。`, s(d.error)],
  }),
  "system.log_spool_growing": (d) => ({
    title: "请求日志暂存文件在增长",
    lines: [`${s(d.instance)} 上有 ${s(d.spoolBytes)} 字节等待写入：日志无法写入数据库。`],
  }),
  "system.price_sync_failed": (d) => ({ title: "价格同步失败", lines: [s(d.error)] }),
  "system.unpriced_model": (d) => ({
    title: `模型没有价格：${s(d.model)}`,
    lines: ["在有价格之前其请求按 $0 计费（在价格表页面添加，或由价格同步获取）。"],
  }),
  "system.store_unreachable": (d) => ({
    title: "中转站无法连接存储（Redis）",
    lines: [`自 ${s(d.since)} 起（${s(d.instance)}）。限额与熔断按失败模式设置处理。`, s(d.error)],
  }),
};

export function render(event: NotificationEvent, language: NotificationLanguage): Rendered {
  return (language === "zh-CN" ? ZH : EN)[event.name](event.data);
}
