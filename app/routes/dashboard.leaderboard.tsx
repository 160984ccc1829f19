/**
 * /dashboard/leaderboard (manual §7.4): users, keys, providers or models (?dimension=) ranked by
 * cost, requests, tokens or cache-hit ratio (?sort=) over today / this week / this month / a
 * range of days (?period=&from=&to=), in the hub's time zone. What a member sees is decided by
 * leaderboard.get; admins choose it here.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { DateField } from "~/components/form-field.tsx";
import { SegmentedLinks } from "~/components/ops/segmented-links.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Badge } from "~/components/ui/badge.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "~/components/ui/table.tsx";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import { isAdminViewer, mutate, query, requireAdmin, requireDashboard } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { isTrpcError } from "~/lib/trpc-errors.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.leaderboard");

const DIMENSIONS = ["user", "key", "provider", "model"] as const;
const PERIODS = ["today", "week", "month", "custom"] as const;
const SORTS = ["cost", "requests", "tokens", "cacheHit"] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireDashboard(context);
  const admin = isAdminViewer(viewer);
  const params = new URL(request.url).searchParams;
  const allowed = admin ? DIMENSIONS : (["user", "key"] as const);
  const dimension = z.enum(allowed).catch("user").parse(params.get("dimension"));
  const sortBy = z.enum(SORTS).catch("cost").parse(params.get("sort"));
  const fromDay = params.get("from") ?? "";
  const toDay = params.get("to") ?? "";
  // A custom range needs both days; until it has them, show today.
  const custom = params.get("period") === "custom" && DAY.test(fromDay) && DAY.test(toDay);
  const period = custom ? "custom" : z.enum(["today", "week", "month"]).catch("today").parse(params.get("period"));
  try {
    const board = await query(context.trpc.leaderboard.get({ dimension, period, sortBy, limit: 100, ...(custom ? { fromDay, toDay } : {}) }));
    return { admin, dimension, period, sortBy, fromDay: custom ? fromDay : "", toDay: custom ? toDay : "", board, rangeError: false };
  } catch (error) {
    // A range the hub refuses (reversed, over a year): say so, and show today instead.
    if (!custom || !isTrpcError(error) || error.code !== "BAD_REQUEST") throw error;
    const board = await query(context.trpc.leaderboard.get({ dimension, period: "today", sortBy, limit: 100 }));
    return { admin, dimension, period: "today" as const, sortBy, fromDay, toDay, board, rangeError: true };
  }
}

export async function action({ context, request }: ActionFunctionArgs): Promise<ActionResult> {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const view = z.enum(["self", "anonymized"]).safeParse(form.get("memberView"));
  if (intent !== "leaderboard-member-view" || !view.success) return { ok: false, intent, formError: "form.invalidRequest" };
  return mutate(intent, () => context.trpc.leaderboard.setMemberView({ memberView: view.data }).then(() => undefined));
}

const DIMENSION_LABEL: Record<(typeof DIMENSIONS)[number], MessageKey> = { user: "ops.users", key: "ops.keys", provider: "ops.providers", model: "ops.models" };
const PERIOD_LABEL: Record<(typeof PERIODS)[number], MessageKey> = { today: "ops.span.today", week: "leaderboard.week", month: "leaderboard.month", custom: "leaderboard.custom" };
const SORT_LABEL: Record<(typeof SORTS)[number], MessageKey> = { cost: "ops.cost", requests: "ops.requests", tokens: "ops.tokens", cacheHit: "leaderboard.cacheHit" };

export default function LeaderboardPage() {
  const { admin, dimension, period, sortBy, fromDay, toDay, board, rangeError } = useLoaderData<typeof loader>();
  const { t, fmt } = useI18n();
  const navigation = useNavigation();
  const dimensions = admin ? DIMENSIONS : (["user", "key"] as const);

  return (
    <>
      <PageHeader title={t("leaderboard.title")} description={t("leaderboard.subtitle", { timezone: board.timezone, from: fmt.dateTime(board.from), to: fmt.dateTime(board.to) })} />
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <SegmentedLinks param="dimension" value={dimension} label={t("leaderboard.rank")} segments={dimensions.map((d) => ({ value: d, label: t(DIMENSION_LABEL[d]) }))} />
        <SegmentedLinks param="period" value={period} label={t("ops.period")} reset={["from", "to"]} segments={PERIODS.filter((p) => p !== "custom").map((p) => ({ value: p, label: t(PERIOD_LABEL[p]) }))} />
        <Form method="get" className="flex flex-wrap items-end gap-2" aria-label={t("leaderboard.custom")}>
          <input type="hidden" name="dimension" value={dimension} />
          <input type="hidden" name="sort" value={sortBy} />
          <input type="hidden" name="period" value="custom" />
          <DateField name="from" label={t("leaderboard.from")} defaultValue={fromDay} className="w-44" />
          <DateField name="to" label={t("leaderboard.to")} defaultValue={toDay} className="w-44" />
          <Button type="submit" variant={period === "custom" ? "default" : "outline"} size="sm">
            {t("leaderboard.applyRange")}
          </Button>
        </Form>
      </div>
      <div className="mb-4">
        <SegmentedLinks param="sort" value={sortBy} label={t("leaderboard.sortBy")} segments={SORTS.map((s) => ({ value: s, label: t(SORT_LABEL[s]) }))} />
      </div>

      {rangeError ? (
        <p role="alert" className="mb-4 text-sm text-red-700 dark:text-red-400">
          {t("leaderboard.rangeError")}
        </p>
      ) : null}
      {board.restricted ? (
        <p className="mb-4 text-sm text-muted-foreground">{t(board.memberView === "self" ? "leaderboard.memberSelf" : "leaderboard.memberAnonymized")}</p>
      ) : null}

      <Card>
        <CardContent className="pt-6">
          <Table aria-label={t("leaderboard.title")}>
            <TableHeader>
              <TableRow>
                <TableHead className="w-16">#</TableHead>
                <TableHead>{t(DIMENSION_LABEL[dimension])}</TableHead>
                <TableHead className="text-right">{t("ops.cost")}</TableHead>
                <TableHead className="text-right">{t("ops.requests")}</TableHead>
                <TableHead className="text-right">{t("ops.tokens")}</TableHead>
                <TableHead className="text-right">{t("leaderboard.cacheHit")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {board.items.length === 0 ? <TableEmpty colSpan={6}>{t("ops.noUsage")}</TableEmpty> : null}
              {board.items.map((r) => (
                <TableRow key={`${r.rank}-${r.id ?? "hidden"}`} data-state={r.isSelf && dimension === "user" ? "selected" : undefined}>
                  <TableCell className="tabular-nums">{r.rank}</TableCell>
                  <TableCell className="max-w-72 truncate font-medium" title={r.name ?? undefined}>
                    {r.name ?? <span className="text-muted-foreground">{t("leaderboard.hidden")}</span>}
                    {r.isSelf && dimension === "user" ? (
                      <Badge variant="secondary" className="ml-2">
                        {t("leaderboard.you")}
                      </Badge>
                    ) : null}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{fmt.money(r.costUsd)}</TableCell>
                  <TableCell className="text-right tabular-nums">{fmt.integer(r.requests)}</TableCell>
                  <TableCell className="text-right tabular-nums" title={`${fmt.integer(r.inputTokens)} / ${fmt.integer(r.outputTokens)} / ${fmt.integer(r.cacheReadTokens)}`}>
                    {fmt.compact(r.tokens)}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{fmt.percent(r.cacheHitRatio)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>

      {admin ? (
        <Card className="mt-6">
          <CardHeader>
            <CardTitle>{t("leaderboard.memberViewTitle")}</CardTitle>
            <CardDescription>{t("leaderboard.memberViewSubtitle")}</CardDescription>
          </CardHeader>
          <CardContent>
            <Form method="post" className="flex flex-wrap items-center gap-4">
              <input type="hidden" name="intent" value="leaderboard-member-view" />
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" name="memberView" value="self" defaultChecked={board.memberView === "self"} />
                {t("leaderboard.viewSelf")}
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" name="memberView" value="anonymized" defaultChecked={board.memberView === "anonymized"} />
                {t("leaderboard.viewAnonymized")}
              </label>
              <Button type="submit" size="sm" disabled={navigation.state !== "idle"}>
                {t("leaderboard.saveView")}
              </Button>
            </Form>
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}
