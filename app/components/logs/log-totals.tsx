/**
 * Totals of every request the filters match (not just this page): requests, errors, success rate,
 * cost, tokens. Null when more rows match than the list counts (LOG_COUNT_CAP): summing them would
 * read most of the table on every page view, so the strip asks for a narrower filter instead.
 */
import { useI18n } from "~/i18n/use-i18n.ts";
import type { LogTotals } from "~/lib/api-types.ts";
import { successRate } from "~/lib/quota-math.ts";

export function LogTotalsStrip({ totals, cap }: { totals: LogTotals | null; cap: number }) {
  const { t, fmt } = useI18n();
  if (totals === null) {
    return (
      <p role="note" aria-label={t("logs.totals")} className="mb-4 rounded-lg border bg-card px-4 py-3 text-sm text-muted-foreground">
        {t("logs.totalsCapped", { cap: fmt.integer(cap) })}
      </p>
    );
  }
  const rate = successRate(totals.requests, totals.errors);
  const items = [
    { label: t("logs.totalRequests"), value: fmt.integer(totals.requests) },
    { label: t("logs.totalErrors"), value: fmt.integer(totals.errors) },
    { label: t("logs.successRate"), value: rate === null ? "—" : fmt.percent(rate) },
    { label: t("logs.totalCost"), value: fmt.money(totals.costUsd) },
    { label: t("logs.totalTokens"), value: `${fmt.compact(totals.inputTokens)} / ${fmt.compact(totals.outputTokens)}` },
  ];
  return (
    <dl aria-label={t("logs.totals")} className="mb-4 grid grid-cols-2 gap-3 rounded-lg border bg-card px-4 py-3 sm:grid-cols-3 lg:grid-cols-5">
      {items.map((item) => (
        <div key={item.label} className="min-w-0">
          <dt className="truncate text-xs text-muted-foreground">{item.label}</dt>
          <dd className="text-lg font-semibold tabular-nums">{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
