/** Shapes of the hub's tRPC outputs, for components (type-only: no server code reaches the bundle). */
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/root.ts";

type Outputs = inferRouterOutputs<AppRouter>;

export type UserRow = Outputs["users"]["list"]["items"][number];
export type KeyRow = Outputs["keys"]["list"]["items"][number];
export type ProviderRow = Outputs["providers"]["list"]["items"][number];
export type LogRow = Outputs["logs"]["list"]["items"][number];
export type LogDetail = Outputs["logs"]["get"];
export type LogFilterOptions = Outputs["logs"]["filterOptions"];
export type QuotaEntity = Outputs["quotas"]["users"]["items"][number];
export type QuotaLimit = QuotaEntity["limits"][number];
export type ProviderHealth = Outputs["providers"]["health"]["items"][number];
export type ProviderTestResult = Outputs["providers"]["test"];
export type PriceRow = Outputs["prices"]["list"]["items"][number];
export type PriceSyncCounts = Outputs["prices"]["sync"];
export type ErrorRuleRow = Outputs["rules"]["list"]["items"][number];
export type RuleTestResult = Outputs["rules"]["test"];
export type FilterRow = Outputs["filters"]["list"]["items"][number];
export type FilterTestResult = Outputs["filters"]["test"];
export type GroupRow = Outputs["groups"]["list"]["items"][number];
export type SystemSettingsView = Outputs["settings"]["update"];
export type SensitiveWordRow = Outputs["sensitiveWords"]["list"]["items"][number];
export type SensitiveWordTestResult = Outputs["sensitiveWords"]["test"];
export type LogTotals = NonNullable<Outputs["logs"]["list"]["totals"]>;
export type NotificationTargetRow = Outputs["notifications"]["list"]["items"][number];
export type NotificationDeliveryRow = Outputs["notifications"]["deliveries"]["items"][number];
export type NotificationTestResult = Outputs["notifications"]["test"];
export type NotificationSettingsRow = Outputs["notifications"]["settings"];
export type AuditItem = Outputs["audit"]["list"]["items"][number];
