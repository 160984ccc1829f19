/**
 * The team roster: per user today's and this month's spend, each limit that is set as a bar
 * (amber from 80 %, red at 100 %), last activity, keys and a link to their logs; sortable by
 * the column headers (?sort=). Admins get edit and delete.
 */
import { Link, useLocation } from "@remix-run/react";
import { ArrowDown, KeyRound, Pencil, ScrollText, Trash2 } from "lucide-react";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { QuotaEntity, UserRow } from "~/lib/api-types.ts";
import { limitUse } from "~/lib/quota-math.ts";
import { cn } from "~/lib/utils.ts";
import { ActionDialog } from "../action-dialog.tsx";
import { Badge } from "../ui/badge.tsx";
import { LIMIT_LABELS } from "../quotas/quota-card.tsx";
import { Button } from "../ui/button.tsx";
import { Progress } from "../ui/progress.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "../ui/table.tsx";
import { StatusBadge } from "./status-badge.tsx";
import { UserFields } from "./user-fields.tsx";

export const ROSTER_SORTS = ["name", "today", "month", "use", "lastActive"] as const;
export type RosterSort = (typeof ROSTER_SORTS)[number];

interface UsersTableProps {
  users: UserRow[];
  selectedId: number | null;
  isAdmin: boolean;
  groups: string[];
  now: number;
  /** Each user's quota windows (from quotas.users / quotas.mine), by user id. */
  quotas: Record<number, QuotaEntity | undefined>;
  sort: RosterSort;
}

/** The highest use among a user's set limits (for sorting by "closest to a limit"). */
export function highestUse(entity: QuotaEntity | undefined): number {
  if (!entity) return 0;
  return Math.max(0, ...entity.limits.map((l) => limitUse(l).ratio ?? 0));
}

export function sortRoster(users: UserRow[], quotas: Record<number, QuotaEntity | undefined>, sort: RosterSort): UserRow[] {
  const by: Record<RosterSort, (a: UserRow, b: UserRow) => number> = {
    name: (a, b) => a.name.localeCompare(b.name),
    today: (a, b) => b.activity.todayCostUsd - a.activity.todayCostUsd,
    month: (a, b) => b.activity.monthCostUsd - a.activity.monthCostUsd,
    use: (a, b) => highestUse(quotas[b.id]) - highestUse(quotas[a.id]),
    lastActive: (a, b) => (b.activity.lastActiveAt ?? "").localeCompare(a.activity.lastActiveAt ?? ""),
  };
  return [...users].sort((a, b) => by[sort](a, b) || a.name.localeCompare(b.name));
}

function SortHead({ sort, current, children, className }: { sort: RosterSort; current: RosterSort; children: React.ReactNode; className?: string }) {
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  params.set("sort", sort);
  const active = sort === current;
  return (
    <TableHead className={className} aria-sort={active ? (sort === "name" ? "ascending" : "descending") : undefined}>
      <Link to={`?${params.toString()}`} preventScrollReset className={cn("inline-flex items-center gap-1 hover:text-foreground", active && "text-foreground")}>
        {children}
        {active ? <ArrowDown className="size-3" aria-hidden /> : null}
      </Link>
    </TableHead>
  );
}

/** Each limit that is set, as a small labelled bar. */
function LimitBars({ entity }: { entity: QuotaEntity | undefined }) {
  const { t, fmt } = useI18n();
  const set = entity?.limits.filter((l) => l.limit !== null && l.unit === "usd") ?? [];
  if (!set.length) return <span className="text-xs text-muted-foreground">{t("users.noLimits")}</span>;
  return (
    <div className="grid w-44 gap-1">
      {set.map((limit) => {
        const use = limitUse(limit);
        const label = t(LIMIT_LABELS[limit.kind]);
        const value = t("quotas.usedOfLimit", { used: fmt.money(use.used), limit: fmt.money(use.limit) });
        return (
          <div key={limit.kind} className="grid grid-cols-[4.5rem_1fr] items-center gap-2" title={`${label}: ${value}`}>
            <span className="truncate text-[11px] text-muted-foreground">{label}</span>
            <Progress ratio={use.limit ? use.spent / use.limit : 1} pendingRatio={use.limit ? use.inFlight / use.limit : 0} label={label} valueText={value} />
          </div>
        );
      })}
    </div>
  );
}

export function UsersTable({ users, selectedId, isAdmin, groups, now, quotas, sort }: UsersTableProps) {
  const { t, fmt } = useI18n();
  const rows = sortRoster(users, quotas, sort);
  const columns = isAdmin ? 8 : 7;
  return (
    <Table className="whitespace-nowrap">
      <TableHeader>
        <TableRow>
          <SortHead sort="name" current={sort}>
            {t("users.name")}
          </SortHead>
          <SortHead sort="today" current={sort} className="text-right">
            {t("users.today")}
          </SortHead>
          <SortHead sort="month" current={sort} className="text-right">
            {t("users.month")}
          </SortHead>
          <SortHead sort="use" current={sort}>
            {t("users.limits")}
          </SortHead>
          <SortHead sort="lastActive" current={sort}>
            {t("users.lastActive")}
          </SortHead>
          <TableHead>{t("users.keys")}</TableHead>
          <TableHead>{t("common.status")}</TableHead>
          {isAdmin ? <TableHead className="text-right">{t("common.actions")}</TableHead> : null}
        </TableRow>
      </TableHeader>
      <TableBody>
        {users.length === 0 ? <TableEmpty colSpan={columns}>{t("users.empty")}</TableEmpty> : null}
        {rows.map((user) => (
          <TableRow key={user.id} data-state={user.id === selectedId ? "selected" : undefined}>
            <TableCell>
              <div className="flex items-center gap-2">
                <Link to={`/dashboard/users/${user.id}`} className="max-w-[12rem] truncate font-medium underline-offset-4 hover:underline" title={t("userDetail.open", { name: user.name })}>
                  {user.name}
                </Link>
                <Badge variant={user.role === "admin" ? "default" : "secondary"}>{user.role === "admin" ? t("role.admin") : t("role.user")}</Badge>
              </div>
              {user.description ? <div className="max-w-[16rem] truncate text-xs text-muted-foreground">{user.description}</div> : null}
              {user.tags.length ? (
                <div className="mt-1 flex flex-wrap gap-1">
                  {user.tags.map((tag) => (
                    <Badge key={tag} variant="outline">
                      {tag}
                    </Badge>
                  ))}
                </div>
              ) : null}
            </TableCell>
            <TableCell className="text-right tabular-nums">
              <span className="block font-medium">{fmt.money(user.activity.todayCostUsd)}</span>
              <span className="block text-xs text-muted-foreground">{t("users.requestsCount", { count: fmt.integer(user.activity.todayRequests) })}</span>
            </TableCell>
            <TableCell className="text-right tabular-nums">{fmt.money(user.activity.monthCostUsd)}</TableCell>
            <TableCell>
              <LimitBars entity={quotas[user.id]} />
            </TableCell>
            <TableCell className="text-muted-foreground">{user.activity.lastActiveAt ? fmt.dateTime(user.activity.lastActiveAt) : t("users.never")}</TableCell>
            <TableCell>
              <div className="flex items-center gap-1">
                <Button asChild variant={user.id === selectedId ? "secondary" : "ghost"} size="sm">
                  <Link to={`?user=${user.id}`} preventScrollReset aria-label={t("users.showKeysOf", { name: user.name })}>
                    <KeyRound aria-hidden />
                    {fmt.integer(user.keyCount)}
                  </Link>
                </Button>
                <Button asChild variant="ghost" size="sm">
                  <Link to={`/dashboard/logs?userId=${user.id}`} aria-label={t("users.logsOf", { name: user.name })} title={t("users.logsOf", { name: user.name })}>
                    <ScrollText aria-hidden />
                  </Link>
                </Button>
              </div>
            </TableCell>
            <TableCell>
              <StatusBadge enabled={user.isEnabled} expiresAt={user.expiresAt} now={now} />
            </TableCell>
            {isAdmin ? (
              <TableCell>
                <div className="flex justify-end gap-1">
                  <ActionDialog
                    trigger={
                      <Button variant="ghost" size="icon" aria-label={t("users.editNamed", { name: user.name })}>
                        <Pencil aria-hidden />
                      </Button>
                    }
                    title={t("users.editTitle")}
                    description={t("users.editDescription", { name: user.name })}
                    intent="user-update"
                    hidden={{ id: user.id }}
                    submitLabel={t("common.save")}
                  >
                    <UserFields user={user} groups={groups} />
                  </ActionDialog>
                  <ActionDialog
                    trigger={
                      <Button variant="ghost" size="icon" aria-label={t("users.deleteNamed", { name: user.name })}>
                        <Trash2 aria-hidden />
                      </Button>
                    }
                    title={t("users.deleteTitle")}
                    description={t("users.deleteDescription", { name: user.name })}
                    intent="user-delete"
                    hidden={{ id: user.id }}
                    submitLabel={t("common.delete")}
                    destructive
                  />
                </div>
              </TableCell>
            ) : null}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
