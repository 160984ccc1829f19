/**
 * /dashboard/quotas: every limit with what is used of it. Admins switch between users, keys
 * and providers (?tab=) and can reset a total; other dashboard users see their own key and user.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigate } from "@remix-run/react";
import { RotateCcw, Search } from "lucide-react";
import { z } from "zod";
import { ActionDialog } from "~/components/action-dialog.tsx";
import { QuotaCard } from "~/components/quotas/quota-card.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Input } from "~/components/ui/input.tsx";
import { Label } from "~/components/ui/label.tsx";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "~/components/ui/tabs.tsx";
import { idField } from "~/forms/form-data.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import type { QuotaEntity } from "~/lib/api-types.ts";
import { isAdminViewer, mutate, query, requireAdmin, requireDashboard } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.quotas");

const TABS = ["users", "keys", "providers"] as const;
type Tab = (typeof TABS)[number];
const TARGET: Record<Tab, "user" | "key" | "provider"> = { users: "user", keys: "key", providers: "provider" };

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireDashboard(context);
  if (!isAdminViewer(viewer)) {
    const mine = await query(context.trpc.quotas.mine({}));
    return { admin: false as const, mine };
  }
  const params = new URL(request.url).searchParams;
  const tab = z.enum(TABS).catch("users").parse(params.get("tab"));
  const search = params.get("q")?.trim() || undefined;
  const list = await query(context.trpc.quotas[tab]({ search }));
  return { admin: true as const, tab, search: search ?? "", items: list.items, timezone: list.timezone };
}

export async function action({ context, request }: ActionFunctionArgs): Promise<ActionResult> {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const target = z.enum(["user", "key", "provider"]).safeParse(form.get("target"));
  const id = idField(form);
  if (intent !== "quota-reset-total" || !target.success || !id) return { ok: false, intent, formError: "form.invalidRequest" };
  return mutate(intent, () => context.trpc.quotas.resetTotal({ target: target.data, id }).then(() => undefined));
}

function ResetTotalButton({ entity, tab }: { entity: QuotaEntity; tab: Tab }) {
  const { t } = useI18n();
  return (
    <ActionDialog
      trigger={
        <Button variant="outline" size="sm" aria-label={t("quotas.resetTotalNamed", { name: entity.name })}>
          <RotateCcw aria-hidden />
          {t("quotas.resetTotal")}
        </Button>
      }
      title={t("quotas.resetTotalTitle")}
      description={t("quotas.resetTotalDescription", { name: entity.name })}
      intent="quota-reset-total"
      hidden={{ target: TARGET[tab], id: entity.id }}
      submitLabel={t("quotas.resetTotal")}
      destructive
    />
  );
}

function AdminQuotas({ tab, search, items, timezone }: { tab: Tab; search: string; items: QuotaEntity[]; timezone: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const label: Record<Tab, string> = { users: t("quotas.tabUsers"), keys: t("quotas.tabKeys"), providers: t("quotas.tabProviders") };
  const describe = (entity: QuotaEntity) =>
    tab === "keys" ? t("quotas.keyOf", { user: entity.userName ?? "—" }) : tab === "providers" ? (entity.providerType ?? undefined) : undefined;
  return (
    <>
      <PageHeader title={t("quotas.title")} description={t("quotas.subtitle", { timezone })} />
      <Tabs value={tab} onValueChange={(value) => navigate(`?tab=${value}`, { preventScrollReset: true })}>
        <div className="flex flex-wrap items-end justify-between gap-3">
          <TabsList aria-label={t("quotas.tabsLabel")}>
            {TABS.map((value) => (
              <TabsTrigger key={value} value={value}>
                {label[value]}
              </TabsTrigger>
            ))}
          </TabsList>
          <Form method="get" className="flex items-end gap-2" key={`${tab}|${search}`}>
            <input type="hidden" name="tab" value={tab} />
            <div className="grid gap-1.5">
              <Label htmlFor="quota-search">{t("quotas.search")}</Label>
              <Input id="quota-search" name="q" type="search" defaultValue={search} className="w-56" />
            </div>
            <Button type="submit" variant="outline">
              <Search aria-hidden />
              {t("quotas.searchSubmit")}
            </Button>
          </Form>
        </div>
        <TabsContent value={tab}>
          {items.length === 0 ? (
            <p className="py-8 text-center text-sm text-muted-foreground">{t("quotas.empty")}</p>
          ) : (
            <div className="grid gap-4 md:grid-cols-2 2xl:grid-cols-3">
              {items.map((entity) => (
                <QuotaCard key={entity.scope} entity={entity} description={describe(entity)} actions={<ResetTotalButton entity={entity} tab={tab} />} />
              ))}
            </div>
          )}
        </TabsContent>
      </Tabs>
    </>
  );
}

export default function QuotasPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useI18n();
  if (data.admin) return <AdminQuotas tab={data.tab} search={data.search} items={data.items} timezone={data.timezone} />;
  const { mine } = data;
  return (
    <>
      <PageHeader title={t("quotas.title")} description={t("quotas.subtitleSelf", { timezone: mine.timezone })} />
      <div className="grid gap-4 md:grid-cols-2">
        {mine.key ? <QuotaCard entity={mine.key} title={t("quotas.myKey", { name: mine.key.name })} description={t("quotas.myKeyHint")} /> : null}
        {mine.user ? <QuotaCard entity={mine.user} title={t("quotas.myUser", { name: mine.user.name })} description={t("quotas.myUserHint")} /> : null}
      </div>
    </>
  );
}
