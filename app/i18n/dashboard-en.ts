/** English strings of the team dashboard (issue 11): shell, roster, compact quotas, member views. */
export const dashboardEn = {
  "shell.openMenu": "Open the menu",
  "shell.apiDocs": "API docs",
  "shell.themeDark": "Switch to dark mode",
  "shell.themeLight": "Switch to light mode",
} satisfies Record<string, string>;
