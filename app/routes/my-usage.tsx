/**
 * /my-usage: read-only page for any logged-in key (the only page for keys without dashboard
 * access): who I am, today's and total usage, my quotas, my recent requests.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { LayoutDashboard } from "lucide-react";
import { useId } from "react";
import { LogsTable } from "~/components/logs/logs-table.tsx";
import { DailyBars } from "~/components/usage/daily-bars.tsx";
import { SetupCard } from "~/components/my-usage/setup-card.tsx";
import { QuotaCard } from "~/components/quotas/quota-card.tsx";
import { LanguageSwitch } from "~/components/shell/language-switch.tsx";
import { LogoutButton } from "~/components/shell/logout-button.tsx";
import { ThemeToggle } from "~/components/shell/theme-toggle.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card.tsx";
import { useI18n } from "~/i18n/use-i18n.ts";
import { homeFor, query, requireViewer } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { keyAgainstUser } from "~/lib/quota-math.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "myUsage.title");

const RECENT = 20;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context);
  // me.usage counts this key only; logs.list is scoped by the hub to the user, so narrow it to the key too.
  const keyId = viewer.kind === "user" ? viewer.keyId : undefined;
  const [usage, quotas, recent] = await Promise.all([
    query(context.trpc.me.usage({})),
    query(context.trpc.quotas.mine({})),
    query(context.trpc.logs.list({ keyId, page: 1, pageSize: RECENT })),
  ]);
  // The base URL clients use is this hub's own origin, as the browser reached it.
  const baseUrl = new URL(request.url).origin;
  return { usage, quotas, recent: recent.items, hasDashboard: homeFor(viewer) === "/dashboard", baseUrl };
}

interface Totals {
  requests: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

function UsageCard({ title, description, totals }: { title: string; description: string; totals: Totals }) {
  const { t, fmt } = useI18n();
  const items = [
    { label: t("myUsage.requests"), value: fmt.integer(totals.requests) },
    { label: t("myUsage.cost"), value: fmt.money(totals.costUsd) },
    { label: t("myUsage.inputTokens"), value: fmt.integer(totals.inputTokens) },
    { label: t("myUsage.outputTokens"), value: fmt.integer(totals.outputTokens) },
  ];
  const id = useId();
  return (
    <Card role="region" aria-labelledby={id}>
      <CardHeader>
        <CardTitle id={id}>{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent>
        <dl className="grid grid-cols-2 gap-4">
          {items.map((item) => (
            <div key={item.label}>
              <dt className="text-xs text-muted-foreground">{item.label}</dt>
              <dd className="text-xl font-semibold tabular-nums">{item.value}</dd>
            </div>
          ))}
        </dl>
      </CardContent>
    </Card>
  );
}

export default function MyUsagePage() {
  const { usage, quotas, recent, hasDashboard, baseUrl } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <div className="min-h-screen bg-muted/30">
      <header className="flex h-14 items-center justify-between gap-2 border-b bg-background px-3 md:px-6">
        <span className="truncate font-semibold">{t("app.name")}</span>
        <div className="flex items-center gap-1 sm:gap-3">
          <ThemeToggle />
          <LanguageSwitch />
          {hasDashboard ? (
            <Button asChild variant="ghost" size="sm">
              <Link to="/dashboard" aria-label={t("myUsage.openDashboard")}>
                <LayoutDashboard aria-hidden />
                <span className="hidden sm:inline">{t("myUsage.openDashboard")}</span>
              </Link>
            </Button>
          ) : null}
          <LogoutButton />
        </div>
      </header>
      <main className="mx-auto grid max-w-6xl grid-cols-[minmax(0,1fr)] gap-6 p-3 md:p-6">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{t("myUsage.title")}</h1>
          <p className="mt-1 text-sm text-muted-foreground">{t("myUsage.subtitle")}</p>
        </div>
        <Card>
          <CardHeader>
            <CardTitle>{t("myUsage.whoAmI")}</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid gap-4 sm:grid-cols-3">
              <div>
                <dt className="text-xs text-muted-foreground">{t("common.user")}</dt>
                <dd className="font-medium">{usage.userName ?? "—"}</dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">{t("logs.key")}</dt>
                <dd className="font-medium">{usage.keyName ?? t("myUsage.adminToken")}</dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">{t("myUsage.timezone")}</dt>
                <dd className="font-medium">{usage.timezone}</dd>
              </div>
            </dl>
          </CardContent>
        </Card>
        <div className="grid gap-4 md:grid-cols-2">
          <UsageCard title={t("myUsage.today")} description={t("myUsage.todayHint", { timezone: usage.timezone })} totals={usage.today} />
          <UsageCard title={t("myUsage.total")} description={t("myUsage.totalHint")} totals={usage.total} />
        </div>
        {usage.days.length ? (
          <Card>
            <CardHeader>
              <CardTitle>{t("usage.last7")}</CardTitle>
              <CardDescription>{t("usage.last7Hint", { timezone: usage.timezone })}</CardDescription>
            </CardHeader>
            <CardContent>
              <DailyBars days={usage.days} label={t("usage.last7")} />
            </CardContent>
          </Card>
        ) : null}
        {quotas.key || quotas.user ? (
          <section aria-labelledby="my-quotas" className="grid gap-3">
            <div>
              <h2 id="my-quotas" className="text-lg font-semibold tracking-tight">
                {t("myUsage.quotas")}
              </h2>
              <p className="text-sm text-muted-foreground">{t("myUsage.quotasHint", { timezone: quotas.timezone })}</p>
            </div>
            <div className="grid gap-4 md:grid-cols-2">
              {quotas.key ? <QuotaCard entity={keyAgainstUser(quotas.key, quotas.user)} title={t("quotas.myKey", { name: quotas.key.name })} description={t("quotas.myKeyHint")} /> : null}
              {quotas.user ? <QuotaCard entity={quotas.user} title={t("quotas.myUser", { name: quotas.user.name })} description={t("quotas.myUserHint")} /> : null}
            </div>
          </section>
        ) : null}
        {quotas.key ? <SetupCard baseUrl={baseUrl} keyName={quotas.key.name} /> : null}
        <Card>
          <CardHeader>
            <CardTitle>{t("myUsage.recent")}</CardTitle>
            <CardDescription>{t("myUsage.recentHint", { count: RECENT })}</CardDescription>
          </CardHeader>
          <CardContent className="p-0">
            <LogsTable rows={recent} showUser={false} showProvider={false} />
          </CardContent>
        </Card>
      </main>
    </div>
  );
}
