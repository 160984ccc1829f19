/**
 * /dashboard/quotas: every limit with what is used of it. Admins get one compact table (entity ×
 * window, only limits that are set, highest use first; ?tab= narrows it to users, keys or
 * providers) and open an entity's card from it (?focus=<scope>) to reset a total; other
 * dashboard users see their own key and user.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useLocation, useNavigate } from "@remix-run/react";
import { RotateCcw, Search } from "lucide-react";
import { z } from "zod";
import { ActionDialog } from "~/components/action-dialog.tsx";
import { QuotaCard } from "~/components/quotas/quota-card.tsx";
import { QuotaTable } from "~/components/quotas/quota-table.tsx";
import { Card, CardContent } from "~/components/ui/card.tsx";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "~/components/ui/dialog.tsx";
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
import { keyAgainstUser, quotaRows } from "~/lib/quota-math.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.quotas");

const TABS = ["all", "users", "keys", "providers"] as const;
type Tab = (typeof TABS)[number];
const TARGET: Record<string, "user" | "key" | "provider"> = { u: "user", k: "key", p: "provider" };

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireDashboard(context);
  if (!isAdminViewer(viewer)) {
    const mine = await query(context.trpc.quotas.mine({}));
    return { admin: false as const, mine };
  }
  const params = new URL(request.url).searchParams;
  const tab = z.enum(TABS).catch("all").parse(params.get("tab"));
  const search = params.get("q")?.trim().slice(0, 100) || undefined;
  const focus = params.get("focus")?.slice(0, 20) ?? null;
  // The table ranks every entity's windows together, so all three lists are read (the tab filters them).
  const want = (t: Tab) => tab === "all" || tab === t;
  const empty = { items: [] as QuotaEntity[], timezone: "" };
  const [users, keys, providers] = await Promise.all([
    want("users") || want("keys") ? query(context.trpc.quotas.users({ search: tab === "users" ? search : undefined })) : empty,
    want("keys") ? query(context.trpc.quotas.keys({ search: tab === "keys" || tab === "all" ? search : undefined })) : empty,
    want("providers") ? query(context.trpc.quotas.providers({ search: tab === "providers" || tab === "all" ? search : undefined })) : empty,
  ]);
  const filteredUsers = tab === "all" && search ? users.items.filter((u) => u.name.toLowerCase().includes(search.toLowerCase())) : users.items;
  return {
    admin: true as const,
    tab,
    search: search ?? "",
    focus,
    // On the keys tab, users are only there to count shared windows against (not listed).
    users: tab === "keys" ? [] : filteredUsers,
    allUsers: users.items,
    keys: keys.items,
    providers: providers.items,
    timezone: users.timezone || keys.timezone || providers.timezone,
  };
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

function ResetTotalButton({ entity }: { entity: QuotaEntity }) {
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
      hidden={{ target: TARGET[entity.scope.slice(0, 1)] ?? "user", id: entity.id }}
      submitLabel={t("quotas.resetTotal")}
      destructive
    />
  );
}

interface AdminQuotasProps {
  tab: Tab;
  search: string;
  focus: string | null;
  users: QuotaEntity[];
  allUsers: QuotaEntity[];
  keys: QuotaEntity[];
  providers: QuotaEntity[];
  timezone: string;
}

/** The drill-down: one entity's card (every window, set or not) in a dialog over the table. */
function FocusDialog({ entity, user }: { entity: QuotaEntity; user: QuotaEntity | null }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const close = () => {
    const params = new URLSearchParams(location.search);
    params.delete("focus");
    const search = params.toString();
    navigate(`${location.pathname}${search ? `?${search}` : ""}`, { preventScrollReset: true });
  };
  const isKey = entity.scope.startsWith("k:");
  return (
    <Dialog open onOpenChange={(open) => !open && close()}>
      <DialogContent className="max-w-xl p-0">
        <DialogTitle className="sr-only">{entity.name}</DialogTitle>
        <DialogDescription className="sr-only">{t("quotas.drillDown")}</DialogDescription>
        <QuotaCard
          entity={isKey ? keyAgainstUser(entity, user) : entity}
          description={isKey ? t("quotas.keyOf", { user: entity.userName ?? "—" }) : (entity.providerType ?? undefined)}
          actions={<ResetTotalButton entity={entity} />}
          className="border-0 shadow-none"
        />
      </DialogContent>
    </Dialog>
  );
}

function AdminQuotas({ tab, search, focus, users, allUsers, keys, providers, timezone }: AdminQuotasProps) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const label: Record<Tab, string> = { all: t("quotas.tabAll"), users: t("quotas.tabUsers"), keys: t("quotas.tabKeys"), providers: t("quotas.tabProviders") };
  const rows = quotaRows({ users, keys, providers });
  const focused = focus ? [...allUsers, ...keys, ...providers].find((e) => e.scope === focus) : undefined;
  const focusedUser = focused?.scope.startsWith("k:") ? (allUsers.find((u) => u.id === focused.userId) ?? null) : null;
  const ledger = [...users, ...keys, ...providers].some((e) => e.measuredFrom === "ledger");
  return (
    <>
      <PageHeader title={t("quotas.title")} description={t("quotas.subtitle", { timezone })} />
      <Tabs value={tab} onValueChange={(value) => navigate(`?tab=${value}`, { preventScrollReset: true })}>
        <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
          <TabsList aria-label={t("quotas.tabsLabel")}>
            {TABS.map((value) => (
              <TabsTrigger key={value} value={value}>
                {label[value]}
              </TabsTrigger>
            ))}
          </TabsList>
          <Form method="get" className="flex flex-wrap items-end gap-2" key={`${tab}|${search}`}>
            <input type="hidden" name="tab" value={tab} />
            <div className="grid gap-1.5">
              <Label htmlFor="quota-search">{t("quotas.search")}</Label>
              <Input id="quota-search" name="q" type="search" maxLength={100} defaultValue={search} className="w-48" />
            </div>
            <Button type="submit" variant="outline">
              <Search aria-hidden />
              {t("quotas.searchSubmit")}
            </Button>
          </Form>
        </div>
        <TabsContent value={tab}>
          {ledger ? <p className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">{t("quotas.fromLedger")}</p> : null}
          <p className="mb-2 text-xs text-muted-foreground">{t("quotas.tableHint")}</p>
          <Card>
            <CardContent className="p-0">
              <QuotaTable rows={rows} />
            </CardContent>
          </Card>
        </TabsContent>
      </Tabs>
      {focused ? <FocusDialog entity={focused} user={focusedUser} /> : null}
    </>
  );
}

export default function QuotasPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useI18n();
  if (data.admin) return <AdminQuotas {...data} />;
  const { mine } = data;
  return (
    <>
      <PageHeader title={t("quotas.title")} description={t("quotas.subtitleSelf", { timezone: mine.timezone })} />
      <div className="grid gap-4 md:grid-cols-2">
        {mine.key ? <QuotaCard entity={keyAgainstUser(mine.key, mine.user)} title={t("quotas.myKey", { name: mine.key.name })} description={t("quotas.myKeyHint")} /> : null}
        {mine.user ? <QuotaCard entity={mine.user} title={t("quotas.myUser", { name: mine.user.name })} description={t("quotas.myUserHint")} /> : null}
      </div>
    </>
  );
}
