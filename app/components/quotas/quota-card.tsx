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

function LimitRow({ limit }: { limit: QuotaLimit }) {
  const { t, fmt } = useI18n();
  const label = t(LABELS[limit.kind]);
  const amount = (v: number) => (limit.unit === "usd" ? fmt.money(v) : fmt.integer(v));
  const value = limit.limit === null ? t("quotas.usedNoLimit", { used: amount(limit.used) }) : t("quotas.usedOfLimit", { used: amount(limit.used), limit: amount(limit.limit) });

  let window: string;
  if (limit.kind === "rpm") window = t("quotas.windowRpm");
  else if (limit.kind === "concurrentSessions") window = t("quotas.windowConcurrent");
  else if (limit.kind === "total") window = limit.windowStart ? t("quotas.windowTotalSince", { time: fmt.dateTime(limit.windowStart) }) : t("quotas.windowTotalEver");
  else if (limit.mode === "rolling") window = limit.kind === "5h" ? t("quotas.windowRolling5h") : t("quotas.windowRolling24h");
  else window = t("quotas.resetsAt", { time: fmt.dateTime(limit.resetAt) });

  return (
    <li className="grid gap-1.5">
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
      {limit.limit !== null && limit.limit > 0 ? (
        <Progress ratio={limit.used / limit.limit} label={label} valueText={value} />
      ) : (
        <div className="h-2 rounded-full border border-dashed" aria-hidden />
      )}
      <div className="flex flex-wrap justify-between gap-x-3 text-xs text-muted-foreground">
        <span>{window}</span>
        {limit.reserved > 0 ? <span className="tabular-nums">{t("quotas.inFlight", { amount: fmt.money(limit.reserved) })}</span> : null}
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

export function QuotaCard({ entity, description, actions, title }: QuotaCardProps) {
  const { t } = useI18n();
  const id = useId();
  return (
    <Card role="region" aria-labelledby={id}>
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
        {entity.measuredFrom === "ledger" ? <p className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900">{t("quotas.fromLedger")}</p> : null}
        <ul className="grid gap-4">
          {entity.limits.map((limit) => (
            <LimitRow key={limit.kind} limit={limit} />
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}
