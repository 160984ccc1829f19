/**
 * The audit log's action codes ("providers.create") and entity types ("provider_group") in the
 * viewer's language. The codes stay what the API, the filters and the stored rows carry; the page
 * shows the name and keeps the code on hover. A code without a name (a newer hub's) is shown as is.
 */
import { dashboardEn } from "../i18n/dashboard-en.ts";
import type { MessageKey } from "../i18n/index.ts";

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

function named(prefix: "auditAction." | "auditTarget.", code: string, t: Translate): string {
  const key = `${prefix}${code}`;
  return Object.hasOwn(dashboardEn, key) ? t(key as MessageKey) : code;
}

export function auditActionLabel(action: string, t: Translate): string {
  return named("auditAction.", action, t);
}

export function auditTargetLabel(targetType: string, t: Translate): string {
  return named("auditTarget.", targetType, t);
}
