/**
 * One user's, key's or provider's limits: a bar of use against each limit that is set, the
 * spend of windows without a limit, and when each window starts over.
 */
import { useId } from "react";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { QuotaEntity, QuotaLimit } from "~/lib/api-types.ts";
import { Badge } from "../ui/badge.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card.tsx";
import { Progress } from "../ui/progress.tsx";
import { limitUse } from "~/lib/quota-math.ts";
import { cn } from "~/lib/utils.ts";

const LABELS: Record<QuotaLimit["kind"], MessageKey> = {
  rpm: "limits.rpm",
  "5h": "limits.fiveHour",
  daily: "limits.daily",
  weekly: "limits.weekly",
  monthly: "limits.monthly",
  total: "limits.total",
  concurrentSessions: "limits.concurrent",
};

const SOURCES: Record<NonNullable<QuotaLimit["source"]>, MessageKey> = {
  own: "quotas.sourceOwn",
  user: "quotas.sourceUser",
  default: "quotas.sourceDefault",
};

/** When a window gives room back: its reset (fixed), or when its oldest spend slides out (rolling). */
export function useWindowText() {
  const { t, fmt } = useI18n();
  return (limit: QuotaLimit): string => {
    if (limit.kind === "rpm") return t("quotas.windowRpm");
    if (limit.kind === "concurrentSessions") return t("quotas.windowConcurrent");
    if (limit.kind === "total") return limit.windowStart ? t("quotas.windowTotalSince", { time: fmt.dateTime(limit.windowStart) }) : t("quotas.windowTotalEver");
    if (limit.mode === "rolling") {
      const name = limit.kind === "5h" ? t("quotas.windowRolling5h") : t("quotas.windowRolling24h");
      return limit.freesUpAt ? `${name} · ${t("quotas.freesUpAt", { time: fmt.dateTime(limit.freesUpAt) })}` : name;
    }
    return t("quotas.resetsAt", { time: fmt.dateTime(limit.resetAt) });
  };
}

export const LIMIT_LABELS = LABELS;

function LimitRow({ limit }: { limit: QuotaLimit }) {
  const { t, fmt } = useI18n();
  const windowText = useWindowText();
  const label = t(LABELS[limit.kind]);
  const amount = (v: number) => (limit.unit === "usd" ? fmt.money(v) : fmt.integer(v));
  const use = limitUse(limit);
  // Spent and in flight are shown apart: a refusal counts both, so "used" alone would understate.
  const value =
    use.limit === null ? t("quotas.usedNoLimit", { used: amount(use.spent) }) : t("quotas.usedOfLimit", { used: amount(use.used), limit: amount(use.limit) });

  return (
    <li className="grid gap-1.5" data-tone={use.tone}>
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1 text-sm">
        <span className="font-medium">
          {label}
          {limit.source && limit.source !== "own" ? (
            <Badge variant="outline" className="ml-2 align-middle font-normal">
              {t(SOURCES[limit.source])}
            </Badge>
          ) : null}
        </span>
        <span className="tabular-nums">{value}</span>
      </div>
      {use.limit !== null && use.limit > 0 ? (
        <Progress ratio={use.spent / use.limit} pendingRatio={use.inFlight / use.limit} label={label} valueText={value} />
      ) : (
        <div className="h-2 rounded-full border border-dashed" aria-hidden />
      )}
      <div className="flex flex-wrap justify-between gap-x-3 text-xs text-muted-foreground">
        <span>{windowText(limit)}</span>
        <span className="tabular-nums">
          {limit.unit === "usd" && use.inFlight > 0 ? t("quotas.spentAndInFlight", { spent: amount(use.spent), inFlight: amount(use.inFlight) }) : null}
          {use.left !== null ? (
            <span className={cn("ml-2 font-medium", use.tone === "over" ? "text-red-600 dark:text-red-400" : use.tone === "warn" ? "text-amber-600 dark:text-amber-400" : "text-foreground")}>
              {t("quotas.left", { amount: amount(use.left) })}
            </span>
          ) : null}
        </span>
      </div>
    </li>
  );
}

export interface QuotaCardProps {
  entity: QuotaEntity;
  /** Shown under the name, e.g. the provider type or the key's user. */
  description?: string;
  /** Buttons in the header, e.g. "Reset total". */
  actions?: React.ReactNode;
  /** Title override (e.g. "My key"). */
  title?: string;
}

export function QuotaCard({ entity, description, actions, title, onlySet = false, className }: QuotaCardProps & { onlySet?: boolean; className?: string }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <Card role="region" aria-labelledby={id} className={className}>
      <CardHeader className="flex-row items-start justify-between gap-3 space-y-0">
        <div className="grid gap-1">
          <CardTitle id={id} className="flex flex-wrap items-center gap-2 text-base">
            {title ?? entity.name}
            {entity.isEnabled ? null : <Badge variant="muted">{t("status.disabled")}</Badge>}
          </CardTitle>
          {description ? <CardDescription>{description}</CardDescription> : null}
        </div>
        {actions ? <div className="flex shrink-0 gap-1">{actions}</div> : null}
      </CardHeader>
      <CardContent>
        {entity.measuredFrom === "ledger" ? <p className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">{t("quotas.fromLedger")}</p> : null}
        <ul className="grid gap-4">
          {entity.limits.filter((limit) => !onlySet || limit.limit !== null).map((limit) => (
            <LimitRow key={limit.kind} limit={limit} />
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}
