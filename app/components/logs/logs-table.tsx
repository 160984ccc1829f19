/** Request log rows, newest first. Used by /dashboard/logs and, without the user columns, /my-usage. */
import { Link, useLocation } from "@remix-run/react";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { LogRow } from "~/lib/api-types.ts";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "../ui/table.tsx";
import { Badge } from "../ui/badge.tsx";
import { StatusCode } from "./status-code.tsx";

interface LogsTableProps {
  rows: LogRow[];
  /** Show who sent the request (off on a user's own page). */
  showUser?: boolean;
  /** Link each row to its detail (the dashboard's request dialog). */
  detailBase?: string;
}

export function LogsTable({ rows, showUser = true, detailBase }: LogsTableProps) {
  const { t, fmt } = useI18n();
  const location = useLocation();
  const columns = 10 + (showUser ? 1 : 0);

  return (
    // Rows stay one line each; the table scrolls sideways on narrow screens.
    <Table className="whitespace-nowrap">
      <TableHeader>
        <TableRow>
          <TableHead>{t("logs.time")}</TableHead>
          {showUser ? <TableHead>{t("logs.userAndKey")}</TableHead> : null}
          <TableHead>{t("logs.provider")}</TableHead>
          <TableHead>{t("logs.model")}</TableHead>
          <TableHead className="text-right">{t("logs.inputTokens")}</TableHead>
          <TableHead className="text-right">{t("logs.outputTokens")}</TableHead>
          <TableHead className="text-right">{t("logs.cacheTokens")}</TableHead>
          <TableHead className="text-right">{t("logs.cost")}</TableHead>
          <TableHead className="text-right">{t("logs.ttfb")}</TableHead>
          <TableHead className="text-right">{t("logs.duration")}</TableHead>
          <TableHead>{t("logs.status")}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.length === 0 ? <TableEmpty colSpan={columns}>{t("logs.empty")}</TableEmpty> : null}
        {rows.map((row) => {
          const cacheWrite = row.cacheCreation5mTokens + row.cacheCreation1hTokens;
          return (
            <TableRow key={row.id}>
              <TableCell className="tabular-nums">
                {detailBase ? (
                  // The time opens the request's detail (a separate column would not fit beside the numbers).
                  <Link
                    to={`${detailBase}/${encodeURIComponent(row.requestId)}${location.search}`}
                    preventScrollReset
                    className="font-medium text-primary underline decoration-muted-foreground/40 underline-offset-4 hover:decoration-primary"
                  >
                    {fmt.dateTime(row.createdAt)}
                    <span className="sr-only"> · {t("logs.details")}</span>
                  </Link>
                ) : (
                  fmt.dateTime(row.createdAt)
                )}
              </TableCell>
              {showUser ? (
                <TableCell>
                  <span className="block font-medium">{row.userName ?? "—"}</span>
                  <span className="block text-xs text-muted-foreground">{row.keyName ?? "—"}</span>
                </TableCell>
              ) : null}
              <TableCell>{row.providerName ?? "—"}</TableCell>
              <TableCell>
                {/* Model names are client text (the API cuts them at 200 characters): one line, full name on hover. */}
                <span className="inline-block max-w-[28ch] truncate align-bottom font-mono text-xs" title={row.model ?? undefined}>
                  {row.model ?? "—"}
                </span>
                {row.isStream ? <span className="ml-1 text-[10px] uppercase text-muted-foreground">{t("logs.stream")}</span> : null}
                {row.conversion ? (
                  <Badge variant="muted" className="ml-1 px-1 py-0 text-[10px]" title={`${t("logs.conversion")}: ${row.conversion}`}>
                    {row.conversion}
                  </Badge>
                ) : null}
                {row.redirectedModel && row.redirectedModel !== row.model ? (
                  <span className="block max-w-[30ch] truncate font-mono text-xs text-muted-foreground" title={row.redirectedModel}>
                    → {row.redirectedModel}
                  </span>
                ) : null}
              </TableCell>
              <TableCell className="text-right tabular-nums">{fmt.integer(row.inputTokens)}</TableCell>
              <TableCell className="text-right tabular-nums">{fmt.integer(row.outputTokens)}</TableCell>
              <TableCell className="text-right tabular-nums" title={t("logs.cacheTitle", { read: row.cacheReadTokens, write: cacheWrite })}>
                {fmt.integer(row.cacheReadTokens)} / {fmt.integer(cacheWrite)}
              </TableCell>
              <TableCell className="text-right tabular-nums">{row.priceMissing ? t("logs.noPrice") : fmt.money(row.costUsd)}</TableCell>
              <TableCell className="text-right tabular-nums">{fmt.ms(row.ttfbMs)}</TableCell>
              <TableCell className="text-right tabular-nums">{fmt.ms(row.durationMs)}</TableCell>
              <TableCell>
                <StatusCode code={row.statusCode} />
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
