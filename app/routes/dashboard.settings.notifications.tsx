/**
 * /dashboard/settings/notifications (admins; manual §8.4): where the hub's notifications go
 * (WeCom, Feishu, DingTalk, Telegram, a signed webhook), which events each target receives, a
 * "send test" button, each target's delivery log and health (a failing target is marked), and
 * the alert threshold, leaderboard time, rate limits and message language.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { History, Pencil, Plus, Power, Send, Trash2 } from "lucide-react";
import { ActionDialog } from "~/components/action-dialog.tsx";
import { SelectField, TextField } from "~/components/form-field.tsx";
import { EVENT_LABEL, TargetFields, TYPE_LABEL } from "~/components/notifications/target-fields.tsx";
import { SettingsSection } from "~/components/settings/settings-section.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Badge } from "~/components/ui/badge.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "~/components/ui/table.tsx";
import { idField } from "~/forms/form-data.ts";
import { notificationSettingsSchema, targetFormSchema, targetToggleSchema, type EventName } from "~/forms/notification-form.ts";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import type { NotificationDeliveryRow, NotificationTargetRow, NotificationTestResult } from "~/lib/api-types.ts";
import { invalidRequest, mutate, query, requireAdmin, submit } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "settings.navNotifications");

const PATH = "/dashboard/settings/notifications";

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireAdmin(context);
  const selected = Number(new URL(request.url).searchParams.get("target"));
  const [list, settings] = await Promise.all([query(context.trpc.notifications.list({})), query(context.trpc.notifications.settings({}))]);
  const target = Number.isInteger(selected) && selected > 0 ? list.items.find((i) => i.id === selected) : undefined;
  const deliveries = target ? (await query(context.trpc.notifications.deliveries({ id: target.id, limit: 50 }))).items : [];
  return { targets: list.items, settings, log: target ? { target, deliveries } : null };
}

export async function action({ context, request }: ActionFunctionArgs): Promise<ActionResult<unknown>> {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const id = idField(form);
  switch (intent) {
    case "target-create":
      return submit(intent, form, targetFormSchema, (data) => context.trpc.notifications.create(data).then(() => undefined));
    case "target-update":
      if (!id) return invalidRequest(intent);
      return submit(intent, form, targetFormSchema, (data) => context.trpc.notifications.update({ id, ...data }).then(() => undefined));
    case "target-toggle":
      if (!id) return invalidRequest(intent);
      return submit(intent, form, targetToggleSchema, (data) => context.trpc.notifications.update({ id, ...data }).then(() => undefined));
    case "target-delete":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.notifications.delete({ id }).then(() => undefined));
    case "target-test":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.notifications.test({ id }));
    case "notification-settings":
      return submit(intent, form, notificationSettingsSchema, (data) => context.trpc.notifications.updateSettings(data).then(() => undefined));
    default:
      return invalidRequest(intent);
  }
}

const STATUS_BADGE = {
  sent: { variant: "success", label: "notifications.statusSent" },
  failed: { variant: "danger", label: "notifications.statusFailed" },
  rate_limited: { variant: "muted", label: "notifications.statusRateLimited" },
  claimed_elsewhere: { variant: "muted", label: "notifications.statusElsewhere" },
} as const satisfies Record<NotificationTestResult["status"], { variant: "success" | "danger" | "muted"; label: MessageKey }>;

function TestButton({ target }: { target: NotificationTargetRow }) {
  const { t, tServer } = useI18n();
  const fetcher = useFetcher<ActionResult<NotificationTestResult>>();
  const result = fetcher.state === "idle" && fetcher.data?.intent === "target-test" ? fetcher.data : undefined;
  return (
    <fetcher.Form method="post" className="flex items-center gap-2">
      <input type="hidden" name="intent" value="target-test" />
      <input type="hidden" name="id" value={target.id} />
      {result?.ok ? (
        <span role="status" title={result.result.error ?? undefined}>
          <Badge variant={STATUS_BADGE[result.result.status].variant}>{t(STATUS_BADGE[result.result.status].label)}</Badge>
        </span>
      ) : result ? (
        <span role="status" className="text-xs text-red-700 dark:text-red-400">
          {result.formError ? tServer(result.formError) : null}
        </span>
      ) : null}
      <Button type="submit" variant="ghost" size="icon" disabled={fetcher.state !== "idle"} aria-label={t("notifications.testNamed", { name: target.name })}>
        <Send aria-hidden />
      </Button>
    </fetcher.Form>
  );
}

function ToggleButton({ target }: { target: NotificationTargetRow }) {
  const { t } = useI18n();
  const fetcher = useFetcher<ActionResult<unknown>>();
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="target-toggle" />
      <input type="hidden" name="id" value={target.id} />
      {target.isEnabled ? null : <input type="hidden" name="isEnabled" value="on" />}
      <Button type="submit" variant="ghost" size="icon" disabled={fetcher.state !== "idle"} aria-label={t(target.isEnabled ? "notifications.disableNamed" : "notifications.enableNamed", { name: target.name })}>
        <Power aria-hidden />
      </Button>
    </fetcher.Form>
  );
}

function Health({ target }: { target: NotificationTargetRow }) {
  const { t, fmt } = useI18n();
  if (!target.isEnabled) return <Badge variant="muted">{t("status.disabled")}</Badge>;
  if (target.failing) {
    return (
      <div>
        <Badge variant="danger">{t("notifications.failing", { count: target.consecutiveFailures })}</Badge>
        {target.lastError ? <div className="mt-1 max-w-xs truncate text-xs text-red-700 dark:text-red-400" title={target.lastError}>{target.lastError}</div> : null}
      </div>
    );
  }
  return (
    <div>
      <Badge variant="success">{t("status.enabled")}</Badge>
      {target.lastAttemptAt ? <div className="mt-1 text-xs text-muted-foreground">{t("notifications.lastOk", { at: fmt.dateTime(target.lastAttemptAt) })}</div> : null}
    </div>
  );
}

function DeliveryLog({ target, deliveries }: { target: NotificationTargetRow; deliveries: NotificationDeliveryRow[] }) {
  const { t, fmt } = useI18n();
  return (
    <Card role="region" aria-label={t("notifications.logTitle", { name: target.name })}>
      <CardHeader>
        <CardTitle>{t("notifications.logTitle", { name: target.name })}</CardTitle>
        <CardDescription>{t("notifications.logHint")}</CardDescription>
      </CardHeader>
      <CardContent className="p-0">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t("audit.when")}</TableHead>
              <TableHead>{t("notifications.event")}</TableHead>
              <TableHead>{t("common.status")}</TableHead>
              <TableHead className="text-right">{t("notifications.attempts")}</TableHead>
              <TableHead>{t("notifications.error")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {deliveries.length === 0 ? <TableEmpty colSpan={5}>{t("notifications.logEmpty")}</TableEmpty> : null}
            {deliveries.map((d) => (
              <TableRow key={d.id}>
                <TableCell className="whitespace-nowrap tabular-nums">{fmt.dateTime(d.createdAt)}</TableCell>
                <TableCell>
                  <div className="text-sm">{d.event === "test" ? t("notifications.eventTest") : t(EVENT_LABEL[d.event as EventName] ?? "notifications.eventTest")}</div>
                  <div className="max-w-sm truncate text-xs text-muted-foreground">{d.title}</div>
                </TableCell>
                <TableCell>
                  <Badge variant={STATUS_BADGE[d.status].variant}>{t(STATUS_BADGE[d.status].label)}</Badge>
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {d.attempts}
                  {d.httpStatus ? <span className="ml-1 text-xs text-muted-foreground">HTTP {d.httpStatus}</span> : null}
                </TableCell>
                <TableCell className="max-w-xs truncate text-xs text-red-700 dark:text-red-400" title={d.error ?? undefined}>
                  {d.error ?? ""}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

export default function NotificationsPage() {
  const { targets, settings, log } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <>
      <PageHeader
        title={t("notifications.title")}
        description={t("notifications.subtitle")}
        actions={
          <ActionDialog
            trigger={
              <Button>
                <Plus aria-hidden />
                {t("notifications.new")}
              </Button>
            }
            title={t("notifications.createTitle")}
            description={t("notifications.createDescription")}
            intent="target-create"
            submitLabel={t("common.create")}
          >
            <TargetFields />
          </ActionDialog>
        }
      />
      <div className="grid gap-6">
        <Card>
          <CardContent className="p-0">
            <Table aria-label={t("notifications.targets")}>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("notifications.name")}</TableHead>
                  <TableHead>{t("notifications.type")}</TableHead>
                  <TableHead>{t("notifications.events")}</TableHead>
                  <TableHead>{t("common.status")}</TableHead>
                  <TableHead className="text-right">{t("common.actions")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {targets.length === 0 ? <TableEmpty colSpan={5}>{t("notifications.empty")}</TableEmpty> : null}
                {targets.map((target) => (
                  <TableRow key={target.id}>
                    <TableCell>
                      <div className="font-medium">{target.name}</div>
                      <div className="font-mono text-xs text-muted-foreground">{target.config.url ?? target.config.chatId ?? ""}</div>
                    </TableCell>
                    <TableCell>
                      <Badge variant="outline">{t(TYPE_LABEL[target.type])}</Badge>
                    </TableCell>
                    <TableCell className="max-w-sm">
                      <div className="flex flex-wrap gap-1">
                        {target.events.length === 0 ? <span className="text-xs text-muted-foreground">{t("notifications.noEvents")}</span> : null}
                        {target.events.map((e) => (
                          <Badge key={e} variant="secondary">
                            {t(EVENT_LABEL[e as EventName] ?? "notifications.eventTest")}
                          </Badge>
                        ))}
                      </div>
                    </TableCell>
                    <TableCell>
                      <Health target={target} />
                    </TableCell>
                    <TableCell>
                      <div className="flex items-center justify-end gap-1">
                        <TestButton target={target} />
                        <Button asChild variant="ghost" size="icon" aria-label={t("notifications.logNamed", { name: target.name })}>
                          <Link to={`${PATH}?target=${target.id}`} preventScrollReset>
                            <History aria-hidden />
                          </Link>
                        </Button>
                        <ToggleButton target={target} />
                        <ActionDialog
                          trigger={
                            <Button variant="ghost" size="icon" aria-label={t("notifications.editNamed", { name: target.name })}>
                              <Pencil aria-hidden />
                            </Button>
                          }
                          title={t("notifications.editTitle")}
                          description={t("notifications.editDescription")}
                          intent="target-update"
                          hidden={{ id: target.id }}
                          submitLabel={t("common.save")}
                        >
                          <TargetFields target={target} />
                        </ActionDialog>
                        <ActionDialog
                          trigger={
                            <Button variant="ghost" size="icon" aria-label={t("notifications.deleteNamed", { name: target.name })}>
                              <Trash2 aria-hidden />
                            </Button>
                          }
                          title={t("notifications.deleteTitle")}
                          description={t("notifications.deleteDescription", { name: target.name })}
                          intent="target-delete"
                          hidden={{ id: target.id }}
                          submitLabel={t("common.delete")}
                          destructive
                        />
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
        {log ? <DeliveryLog target={log.target} deliveries={log.deliveries} /> : null}
        <SettingsSection intent="notification-settings" title={t("notifications.settingsTitle")} description={t("notifications.settingsHint")}>
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            <TextField name="quotaAlertPercent" type="number" min={1} max={100} label={t("notifications.quotaAlertPercent")} defaultValue={settings.quotaAlertPercent} hint={t("notifications.quotaAlertPercentHint")} />
            <TextField name="leaderboardTime" label={t("notifications.leaderboardTime")} defaultValue={settings.leaderboardTime} placeholder="09:00" hint={t("notifications.leaderboardTimeHint")} />
            <TextField name="leaderboardTopN" type="number" min={1} max={50} label={t("notifications.leaderboardTopN")} defaultValue={settings.leaderboardTopN} />
            <TextField name="cooldownMinutes" type="number" min={0} max={1440} label={t("notifications.cooldownMinutes")} defaultValue={settings.cooldownMinutes} hint={t("notifications.cooldownHint")} />
            <TextField name="maxPerHour" type="number" min={1} max={1000} label={t("notifications.maxPerHour")} defaultValue={settings.maxPerHour} />
            <SelectField
              name="language"
              label={t("notifications.language")}
              defaultValue={settings.language}
              options={[
                { value: "en", label: "English" },
                { value: "zh-CN", label: "简体中文" },
              ]}
            />
          </div>
        </SettingsSection>
      </div>
    </>
  );
}
