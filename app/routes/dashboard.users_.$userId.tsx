/**
 * /dashboard/users/<id>: one person of the roster — their limits with what is left, spend per
 * day, keys and recent requests. Admins open anyone; a member only themself (the hub answers
 * 404 for anyone else). Keys are managed on the users page; here they are listed.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ArrowLeft, ScrollText } from "lucide-react";
import { LogsTable } from "~/components/logs/logs-table.tsx";
import { QuotaCard } from "~/components/quotas/quota-card.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card.tsx";
import { DailyBars } from "~/components/usage/daily-bars.tsx";
import { KeysPanel } from "~/components/users/keys-panel.tsx";
import { useI18n } from "~/i18n/use-i18n.ts";
import { isAdminViewer, query, requireDashboard } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.users");

const RECENT = 20;

export async function loader({ context, params }: LoaderFunctionArgs) {
  const viewer = requireDashboard(context);
  const admin = isAdminViewer(viewer);
  const userId = Number(params.userId);
  if (!Number.isInteger(userId) || userId <= 0) throw new Response("Not found", { status: 404, statusText: "Not Found" });
  // users.usage answers 404 for a user the viewer may not see, before anything else is shown.
  const usage = await query(context.trpc.users.usage({ userId, days: 7 }));
  const [{ items: users }, keys, recent, quota] = await Promise.all([
    query(context.trpc.users.list({})),
    query(context.trpc.keys.list({ userId })).then((r) => r.items),
    query(context.trpc.logs.list({ userId, page: 1, pageSize: RECENT })),
    admin ? query(context.trpc.quotas.users({})).then((r) => r.items.find((q) => q.id === userId) ?? null) : query(context.trpc.quotas.mine({})).then((r) => r.user),
  ]);
  const user = users.find((u) => u.id === userId);
  if (!user) throw new Response("Not found", { status: 404, statusText: "Not Found" });
  return { user, keys, usage, recent: recent.items, quota, admin, now: Date.now() };
}

export default function UserDetailPage() {
  const { user, keys, usage, recent, quota, admin, now } = useLoaderData<typeof loader>();
  const { t, fmt } = useI18n();
  return (
    <>
      <PageHeader
        title={user.name}
        description={t("users.todayAndMonth", { today: fmt.money(user.activity.todayCostUsd), month: fmt.money(user.activity.monthCostUsd) })}
        actions={
          <>
            <Button asChild variant="ghost">
              <Link to="/dashboard/users">
                <ArrowLeft aria-hidden />
                {t("userDetail.back")}
              </Link>
            </Button>
            <Button asChild variant="outline">
              <Link to={`/dashboard/logs?userId=${user.id}`}>
                <ScrollText aria-hidden />
                {t("userDetail.allLogs")}
              </Link>
            </Button>
          </>
        }
      />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
        <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>{t("usage.last7")}</CardTitle>
              <CardDescription>{t("usage.last7Hint", { timezone: usage.timezone })}</CardDescription>
            </CardHeader>
            <CardContent>
              <DailyBars days={usage.days} label={t("usage.last7")} />
            </CardContent>
          </Card>
          {quota ? <QuotaCard entity={quota} title={t("userDetail.limits")} onlySet /> : null}
        </div>
        <KeysPanel user={user} keys={keys} isAdmin={false} groups={[]} now={now} />
        <Card>
          <CardHeader>
            <CardTitle>{t("userDetail.recent")}</CardTitle>
          </CardHeader>
          <CardContent className="p-0">
            <LogsTable rows={recent} showUser={false} showProvider={admin} detailBase="/dashboard/logs" />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
