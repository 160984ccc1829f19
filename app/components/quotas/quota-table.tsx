/**
 * The compact quota table: one row per entity × window that has a limit, highest use first,
 * amber from 80 % and red at 100 %. An entity's name opens its card (the drill-down).
 */
import { Link, useLocation } from "@remix-run/react";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { EntityKind, QuotaRow } from "~/lib/quota-math.ts";
import { cn } from "~/lib/utils.ts";
import { Badge } from "../ui/badge.tsx";
import { Progress } from "../ui/progress.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "../ui/table.tsx";
import { LIMIT_LABELS, useWindowText } from "./quota-card.tsx";

const KIND_LABELS: Record<EntityKind, MessageKey> = { user: "quotas.kindUser", key: "quotas.kindKey", provider: "quotas.kindProvider" };

export function QuotaTable({ rows }: { rows: QuotaRow[] }) {
  const { t, fmt } = useI18n();
  const location = useLocation();
  const windowText = useWindowText();
  const focusHref = (scope: string) => {
    const params = new URLSearchParams(location.search);
    params.set("focus", scope);
    return `${location.pathname}?${params.toString()}`;
  };
  return (
    <Table className="whitespace-nowrap">
      <TableHeader>
        <TableRow>
          <TableHead>{t("quotas.colEntity")}</TableHead>
          <TableHead>{t("quotas.colWindow")}</TableHead>
          <TableHead className="w-40">{t("quotas.colUsed")}</TableHead>
          <TableHead className="text-right">{t("quotas.colSpent")}</TableHead>
          <TableHead className="text-right">{t("quotas.colInFlight")}</TableHead>
          <TableHead className="text-right">{t("quotas.colLimit")}</TableHead>
          <TableHead className="text-right">{t("quotas.colLeft")}</TableHead>
          <TableHead>{t("quotas.colFreesUp")}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.length === 0 ? <TableEmpty colSpan={8}>{t("quotas.noLimits")}</TableEmpty> : null}
        {rows.map((row) => {
          const amount = (v: number | null) => (v === null ? "—" : row.limit.unit === "usd" ? fmt.money(v) : fmt.integer(v));
          const label = t(LIMIT_LABELS[row.limit.kind]);
          const percent = row.use.ratio === null ? "—" : fmt.percent(row.use.ratio);
          return (
            <TableRow key={`${row.entity.scope}/${row.limit.kind}`} data-tone={row.use.tone}>
              <TableCell>
                <div className="flex items-center gap-2">
                  <Badge variant="outline" className="font-normal">
                    {t(KIND_LABELS[row.kind])}
                  </Badge>
                  <Link to={focusHref(row.entity.scope)} preventScrollReset className="max-w-[14rem] truncate font-medium underline-offset-4 hover:underline" title={row.entity.name}>
                    {row.entity.name}
                  </Link>
                </div>
                {row.kind === "key" && row.entity.userName ? <div className="text-xs text-muted-foreground">{t("quotas.keyOf", { user: row.entity.userName })}</div> : null}
                {row.sharedWith ? <div className="text-xs text-muted-foreground">{t("quotas.sharedWithUser", { user: row.sharedWith })}</div> : null}
              </TableCell>
              <TableCell>{label}</TableCell>
              <TableCell>
                <div className="flex items-center gap-2">
                  <Progress
                    className="w-24"
                    ratio={row.use.limit ? row.use.spent / row.use.limit : 1}
                    pendingRatio={row.use.limit ? row.use.inFlight / row.use.limit : 0}
                    label={`${row.entity.name} · ${label}`}
                    valueText={percent}
                  />
                  <span
                    className={cn(
                      "w-14 text-right text-sm tabular-nums",
                      row.use.tone === "over" ? "font-semibold text-red-600 dark:text-red-400" : row.use.tone === "warn" ? "font-semibold text-amber-600 dark:text-amber-400" : "",
                    )}
                  >
                    {percent}
                  </span>
                </div>
              </TableCell>
              <TableCell className="text-right tabular-nums">{amount(row.use.spent)}</TableCell>
              <TableCell className="text-right tabular-nums text-muted-foreground">{row.limit.unit === "usd" ? amount(row.use.inFlight) : "—"}</TableCell>
              <TableCell className="text-right tabular-nums">{amount(row.use.limit)}</TableCell>
              <TableCell className="text-right font-medium tabular-nums">{amount(row.use.left)}</TableCell>
              <TableCell className="text-xs text-muted-foreground">{windowText(row.limit)}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
