/** 团队仪表盘（issue 11）的中文文案。键与 dashboard-en.ts 完全一致（类型检查保证）。 */
import type { dashboardEn } from "./dashboard-en.ts";

export const dashboardZhCN: Record<keyof typeof dashboardEn, string> = {
  "shell.openMenu": "打开菜单",
  "shell.apiDocs": "API 文档",
  "shell.themeDark": "切换到深色模式",
  "shell.themeLight": "切换到浅色模式",
  "logs.tokensInOut": "输入 / 输出 Token",
  "logs.cacheShort": "缓存 {read} / {write}",
  "logs.ttfbShort": "首字节 {value}",
  "logs.error": "错误",
  "logs.totals": "筛选结果合计",
  "logs.totalRequests": "请求数",
  "logs.totalErrors": "错误数",
  "logs.successRate": "成功率",
  "logs.totalCost": "费用",
  "logs.totalTokens": "输入 / 输出 Token",
  "logs.quickRanges": "快捷时间范围",
  "logs.range1h": "最近 1 小时",
  "logs.rangeToday": "今天",
  "logs.range7d": "最近 7 天",
  "logs.errorsOnly": "仅看错误",
};
