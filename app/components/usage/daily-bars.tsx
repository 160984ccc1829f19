/**
 * Spend per day as bars (the last 7 days, today last), with each day's requests and failures
 * beside it. Plain elements rather than a chart library: it is a handful of bars, it renders the
 * same on the server, and a screen reader reads it as a list.
 */
import { useI18n } from "~/i18n/use-i18n.ts";
import { cn } from "~/lib/utils.ts";

export interface DailyUsage {
  day: string;
  requests: number;
  errors: number;
  costUsd: number;
}

export function DailyBars({ days, label }: { days: DailyUsage[]; label: string }) {
  const { t, fmt } = useI18n();
  const max = Math.max(0, ...days.map((d) => d.costUsd));
  return (
    <ul aria-label={label} className="grid grid-cols-7 items-end gap-2">
      {days.map((d) => {
        const height = max > 0 ? Math.max(2, Math.round((d.costUsd / max) * 100)) : 2;
        return (
          <li key={d.day} className="grid min-w-0 justify-items-center gap-1 text-center" aria-label={t("usage.dayLabel", { day: fmt.day(d.day), cost: fmt.money(d.costUsd), requests: fmt.integer(d.requests), errors: fmt.integer(d.errors) })}>
            <span className="truncate text-[11px] tabular-nums text-muted-foreground">{fmt.money(d.costUsd)}</span>
            <div className="flex h-24 w-full items-end justify-center" aria-hidden>
              <div className={cn("w-full max-w-8 rounded-t", d.costUsd > 0 ? "bg-primary" : "bg-muted")} style={{ height: `${height}%` }} />
            </div>
            <span className="truncate text-xs">{fmt.day(d.day)}</span>
            <span className="truncate text-[11px] tabular-nums text-muted-foreground" aria-hidden>
              {fmt.integer(d.requests)}
              {d.errors ? <span className="text-destructive"> · {fmt.integer(d.errors)}✕</span> : null}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
