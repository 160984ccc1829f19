/**
 * Request log rows, newest first. Used by /dashboard/logs and, without the user columns,
 * /my-usage and the user detail page. Status sits beside the time and the numbers are merged
 * into a few columns so the whole row fits at 1440 px; narrower screens scroll the table alone.
 */
import { Link, useLocation, useNavigate } from "@remix-run/react";
import type { MouseEvent } from "react";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { LogRow } from "~/lib/api-types.ts";
import { shortError } from "~/lib/error-preview.ts";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "../ui/table.tsx";
import { Badge } from "../ui/badge.tsx";
import { StatusCode } from "./status-code.tsx";

interface LogsTableProps {
  rows: LogRow[];
  /** Show who sent the request (off on a user's own page). */
  showUser?: boolean;
  /** Show the provider column (admins; members only ever see "upstream"). */
  showProvider?: boolean;
  /** Link each row to its detail (the dashboard's request dialog). */
  detailBase?: string;
}

export function LogsTable({ rows, showUser = true, showProvider = true, detailBase }: LogsTableProps) {
  const { t, tm, fmt } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const columns = 7 + (showUser ? 1 : 0) + (showProvider ? 1 : 0);
  const hrefOf = (row: LogRow) => `${detailBase}/${encodeURIComponent(row.requestId)}${location.search}`;

  // The whole row opens the detail; the time link is the same target for keyboards and
  // screen readers. A click that selects text or lands on a control is left alone.
  const openRow = (row: LogRow) => (event: MouseEvent<HTMLTableRowElement>) => {
    if (!detailBase) return;
    if ((event.target as HTMLElement).closest("a,button,input,select")) return;
    if (window.getSelection()?.toString()) return;
    navigate(hrefOf(row), { preventScrollReset: true });
  };

  return (
    <Table className="whitespace-nowrap">
      <TableHeader>
        <TableRow>
          <TableHead>{t("logs.time")}</TableHead>
          <TableHead>{t("logs.status")}</TableHead>
          {showUser ? <TableHead>{t("logs.userAndKey")}</TableHead> : null}
          {showProvider ? <TableHead>{t("logs.provider")}</TableHead> : null}
          <TableHead>{t("logs.model")}</TableHead>
          <TableHead className="text-right">{t("logs.tokensInOut")}</TableHead>
          <TableHead className="text-right">{t("logs.cost")}</TableHead>
          <TableHead className="text-right">{t("logs.duration")}</TableHead>
          <TableHead>{t("logs.error")}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.length === 0 ? <TableEmpty colSpan={columns}>{t("logs.empty")}</TableEmpty> : null}
        {rows.map((row) => {
          const cacheWrite = row.cacheCreation5mTokens + row.cacheCreation1hTokens;
          const error = row.errorMessage ? tm(row.errorMessage) : null;
          return (
            <TableRow key={row.id} onClick={openRow(row)} className={detailBase ? "cursor-pointer" : undefined}>
              <TableCell className="tabular-nums">
                {detailBase ? (
                  <Link
                    to={hrefOf(row)}
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
              <TableCell>
                <StatusCode code={row.statusCode} />
              </TableCell>
              {showUser ? (
                <TableCell>
                  <span className="block max-w-[16ch] truncate font-medium" title={row.userName ?? undefined}>
                    {row.userName ?? "—"}
                  </span>
                  <span className="block max-w-[16ch] truncate text-xs text-muted-foreground" title={row.keyName ?? undefined}>
                    {row.keyName ?? "—"}
                  </span>
                </TableCell>
              ) : null}
              {showProvider ? (
                <TableCell>
                  <span className="block max-w-[16ch] truncate" title={row.providerName ?? undefined}>
                    {row.providerName ?? "—"}
                  </span>
                </TableCell>
              ) : null}
              <TableCell>
                {/* Model names are client text (the API cuts them at 200 characters): one line, full name on hover. */}
                <span className="inline-block max-w-[20ch] truncate align-bottom font-mono text-xs" title={row.model ?? undefined}>
                  {row.model ?? "—"}
                </span>
                {row.isStream ? <span className="ml-1 text-[10px] uppercase text-muted-foreground">{t("logs.stream")}</span> : null}
                {row.conversion ? (
                  <Badge variant="muted" className="ml-1 px-1 py-0 text-[10px]" title={`${t("logs.conversion")}: ${row.conversion}`}>
                    {row.conversion}
                  </Badge>
                ) : null}
                {row.redirectedModel && row.redirectedModel !== row.model ? (
                  <span className="block max-w-[26ch] truncate font-mono text-xs text-muted-foreground" title={row.redirectedModel}>
                    → {row.redirectedModel}
                  </span>
                ) : null}
              </TableCell>
              <TableCell className="text-right tabular-nums">
                <span className="block">
                  {fmt.integer(row.inputTokens)} / {fmt.integer(row.outputTokens)}
                </span>
                {row.cacheReadTokens || cacheWrite ? (
                  <span className="block text-xs text-muted-foreground" title={t("logs.cacheTitle", { read: row.cacheReadTokens, write: cacheWrite })}>
                    {t("logs.cacheShort", { read: fmt.compact(row.cacheReadTokens), write: fmt.compact(cacheWrite) })}
                  </span>
                ) : null}
              </TableCell>
              <TableCell className="text-right tabular-nums" title={row.priceMissing ? undefined : fmt.moneyExact(row.costUsd)}>
                {row.priceMissing ? t("logs.noPrice") : fmt.money(row.costUsd)}
              </TableCell>
              <TableCell className="text-right tabular-nums">
                <span className="block">{fmt.duration(row.durationMs)}</span>
                {row.ttfbMs !== null ? <span className="block text-xs text-muted-foreground">{t("logs.ttfbShort", { value: fmt.duration(row.ttfbMs) })}</span> : null}
              </TableCell>
              <TableCell>
                {error ? (
                  <span className="block max-w-[22ch] truncate text-xs text-destructive" title={error}>
                    {shortError(error)}
                  </span>
                ) : (
                  <span className="text-muted-foreground">—</span>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
