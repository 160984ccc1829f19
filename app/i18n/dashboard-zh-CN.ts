/** 团队仪表盘（issue 11）的中文文案。键与 dashboard-en.ts 完全一致（类型检查保证）。 */
import type { dashboardEn } from "./dashboard-en.ts";

export const dashboardZhCN: Record<keyof typeof dashboardEn, string> = {
  "shell.openMenu": "打开菜单",
  "shell.apiDocs": "API 文档",
  "shell.themeDark": "切换到深色模式",
  "shell.themeLight": "切换到浅色模式",
};
