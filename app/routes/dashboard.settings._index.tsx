/**
 * /dashboard/settings (admins): the system settings in five sections — general and billing,
 * default limits and fail mode, resilience, logs, scheduled jobs — each saved on its own.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { SelectField, SwitchField, TextareaField, TextField, TimeField } from "~/components/form-field.tsx";
import { SettingsSection } from "~/components/settings/settings-section.tsx";
import { TimeZoneField } from "~/components/time-zone-field.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { CURRENCIES, formatClientVersions, isSettingsSection, SETTINGS_SECTIONS } from "~/forms/settings-form.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import { msToUnitText } from "~/lib/duration-units.ts";
import { invalidRequest, query, requireAdmin, submit } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.settings");

export async function loader({ context }: LoaderFunctionArgs) {
  requireAdmin(context);
  const [settings, jobs] = await Promise.all([query(context.trpc.settings.get({})), query(context.trpc.settings.jobs({}))]);
  // The server's list, so the suggestions are the zones the hub will accept.
  const timeZones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return { settings, jobs, timeZones };
}

export async function action({ context, request }: ActionFunctionArgs): Promise<ActionResult> {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  if (!isSettingsSection(intent)) return invalidRequest(intent);
  return submit(intent, form, SETTINGS_SECTIONS[intent], (data) => context.trpc.settings.update(data).then(() => undefined));
}


export default function SettingsPage() {
  const { settings: s, jobs, timeZones } = useLoaderData<typeof loader>();
  const { t, fmt } = useI18n();
  const number = (value: number | null | undefined) => (value === null || value === undefined ? "" : value);
  return (
    <>
      <PageHeader title={t("settings.title")} description={t("settings.subtitle")} />
      <div className="grid gap-6 xl:grid-cols-2">
        <SettingsSection intent="settings-general" title={t("settings.general")} description={t("settings.generalHint")}>
          <TextField name="siteTitle" label={t("settings.siteTitle")} defaultValue={s.siteTitle} required maxLength={100} />
          <div className="grid gap-3 sm:grid-cols-2">
            <SelectField name="currencyDisplay" label={t("settings.currency")} defaultValue={s.currencyDisplay} hint={t("settings.currencyHint")} options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
            <TimeZoneField name="timezone" label={t("settings.timezone")} defaultValue={s.timezone ?? ""} zones={timeZones} hint={t("settings.timezoneHint")} />
          </div>
          <TextField
            name="exchangeRate"
            label={t("settings.exchangeRate")}
            type="number"
            step="any"
            defaultValue={s.exchangeRate}
            hint={s.exchangeRateSetAt ? t("settings.exchangeRateHintSet", { date: fmt.date(s.exchangeRateSetAt) }) : t("settings.exchangeRateHint")}
          />
          <SelectField
            name="billingModelSource"
            label={t("settings.billingModelSource")}
            defaultValue={s.billingModelSource}
            hint={t("settings.billingModelSourceHint")}
            options={[
              { value: "original", label: t("settings.billingOriginal") },
              { value: "redirected", label: t("settings.billingRedirected") },
            ]}
          />
          <TextField name="priceSyncUrl" label={t("settings.priceSyncUrl")} type="url" defaultValue={s.priceSyncUrl} hint={t("settings.priceSyncUrlHint")} />
        </SettingsSection>

        <SettingsSection intent="settings-limits" title={t("settings.limits")} description={t("settings.limitsHint")}>
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField name="defaultRpmLimit" label={t("limits.rpm")} type="number" min={0} step={1} defaultValue={number(s.defaultRpmLimit)} />
            <TextField name="defaultLimitConcurrentSessions" label={t("limits.concurrent")} type="number" min={0} step={1} defaultValue={number(s.defaultLimitConcurrentSessions)} />
            <TextField name="defaultLimit5hUsd" label={t("limits.fiveHour")} type="number" min={0} step="any" defaultValue={number(s.defaultLimit5hUsd)} />
            <TextField name="defaultLimitDailyUsd" label={t("limits.daily")} type="number" min={0} step="any" defaultValue={number(s.defaultLimitDailyUsd)} />
            <TextField name="defaultLimitWeeklyUsd" label={t("limits.weekly")} type="number" min={0} step="any" defaultValue={number(s.defaultLimitWeeklyUsd)} />
            <TextField name="defaultLimitMonthlyUsd" label={t("limits.monthly")} type="number" min={0} step="any" defaultValue={number(s.defaultLimitMonthlyUsd)} />
            <TextField name="defaultLimitTotalUsd" label={t("limits.total")} type="number" min={0} step="any" defaultValue={number(s.defaultLimitTotalUsd)} />
          </div>
          <div className="grid gap-3 sm:grid-cols-2">
            <SelectField
              name="moneyLimitFailMode"
              label={t("settings.failMode")}
              defaultValue={s.moneyLimitFailMode}
              hint={t("settings.failModeHint")}
              options={[
                { value: "closed", label: t("settings.failClosed") },
                { value: "open", label: t("settings.failOpen") },
              ]}
            />
            <TextField name="reservationCapUsd" label={t("settings.reservationCap")} type="number" min={0} step="any" defaultValue={number(s.reservationCapUsd)} hint={t("settings.reservationCapHint")} />
            <SelectField
              name="reservationMode"
              label={t("settings.reservationMode")}
              defaultValue={s.reservationMode}
              hint={t("settings.reservationModeHint")}
              options={[
                { value: "expected", label: t("settings.reservationExpected") },
                { value: "strict", label: t("settings.reservationStrict") },
              ]}
            />
          </div>
        </SettingsSection>

        <SettingsSection intent="settings-resilience" title={t("settings.resilience")} description={t("settings.resilienceHint")}>
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField name="maxProviderSwitches" label={t("settings.maxProviderSwitches")} type="number" min={1} max={100} step={1} defaultValue={number(s.maxProviderSwitches)} hint={t("settings.maxProviderSwitchesHint")} />
            <TextField
              name="retryAfterCapMs"
              label={t("settings.retryAfterCap")}
              type="number"
              min={0}
              step="any"
              inputMode="decimal"
              defaultValue={s.retryAfterCapMs === undefined ? "" : msToUnitText(s.retryAfterCapMs, "s")}
              hint={t("settings.retryAfterCapHint")}
            />
          </div>
          <SwitchField name="enableCircuitBreakerOnNetworkErrors" label={t("settings.breakerOnNetworkErrors")} hint={t("settings.breakerOnNetworkErrorsHint")} defaultChecked={s.enableCircuitBreakerOnNetworkErrors} />
          <SwitchField name="verboseProviderError" label={t("settings.verboseProviderError")} hint={t("settings.verboseProviderErrorHint")} defaultChecked={s.verboseProviderError} />
          <SwitchField name="passThroughUpstreamErrorMessage" label={t("settings.passThroughErrors")} hint={t("settings.passThroughErrorsHint")} defaultChecked={s.passThroughUpstreamErrorMessage} />
          <SwitchField name="enableHttp2" label={t("settings.http2")} hint={t("settings.http2Hint")} defaultChecked={s.enableHttp2} />
          <SwitchField name="interceptWarmupRequests" label={t("settings.interceptWarmup")} hint={t("settings.interceptWarmupHint")} defaultChecked={s.interceptWarmupRequests} />
          <SwitchField name="enableClientVersionCheck" label={t("settings.clientVersionCheck")} hint={t("settings.clientVersionCheckHint")} defaultChecked={s.enableClientVersionCheck} />
          <TextareaField name="minClientVersions" label={t("settings.minClientVersions")} defaultValue={formatClientVersions(s.minClientVersions)} rows={3} placeholder="claude-cli: 1.0.80" hint={t("settings.minClientVersionsHint")} />
        </SettingsSection>

        <SettingsSection intent="settings-logs" title={t("settings.logs")} description={t("settings.logsHint")}>
          <SwitchField name="logCleanupEnabled" label={t("settings.logCleanup")} hint={t("settings.logCleanupHint")} defaultChecked={s.logCleanupEnabled} />
          <TextField name="logRetentionDays" label={t("settings.logRetentionDays")} type="number" min={1} max={3650} step={1} defaultValue={number(s.logRetentionDays)} className="sm:max-w-[50%]" />
        </SettingsSection>

        <SettingsSection intent="settings-jobs" title={t("settings.jobs")} description={t("settings.jobsHint")}>
          <SwitchField name="priceSyncScheduled" label={t("settings.priceSyncScheduled")} hint={t("settings.priceSyncScheduledHint")} defaultChecked={s.priceSyncScheduled} />
          <div className="grid gap-3 sm:grid-cols-2">
            <TimeField name="priceSyncTime" label={t("settings.priceSyncTime")} defaultValue={s.priceSyncTime} hint={t("settings.jobTimeHint", { zone: s.timezone ?? "UTC" })} />
            <TimeField name="logCleanupTime" label={t("settings.logCleanupTime")} defaultValue={s.logCleanupTime} hint={t("settings.jobTimeHint", { zone: s.timezone ?? "UTC" })} />
          </div>
          <table className="w-full text-sm" aria-label={t("settings.jobRuns")}>
            <thead>
              <tr className="text-left text-muted-foreground">
                <th className="py-1 pr-2 font-medium">{t("settings.jobName")}</th>
                <th className="py-1 pr-2 font-medium">{t("settings.jobLastRun")}</th>
                <th className="py-1 pr-2 font-medium">{t("settings.jobResult")}</th>
                <th className="py-1 font-medium">{t("settings.jobNextRun")}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.name} className="border-t align-top">
                  <td className="py-1 pr-2">{job.name === "price-sync" ? t("settings.jobPriceSync") : t("settings.jobLogCleanup")}</td>
                  <td className="py-1 pr-2">{job.lastStartedAt ? fmt.dateTime(job.lastStartedAt) : t("settings.jobNever")}</td>
                  <td className={`py-1 pr-2 ${job.lastStatus === "failed" ? "text-destructive" : ""}`}>
                    {job.lastStatus === null ? (job.lastStartedAt ? t("settings.jobRunning") : "—") : `${job.lastStatus === "ok" ? t("settings.jobOk") : t("settings.jobFailed")}${job.lastMessage ? `: ${job.lastMessage}` : ""}`}
                  </td>
                  <td className="py-1">{job.nextRunAt ? fmt.dateTime(job.nextRunAt) : t("settings.jobOff")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </SettingsSection>
      </div>
    </>
  );
}
