/**
 * The filter bar of /dashboard/logs: a GET form, so the filters end up in the URL; quick ranges
 * (last hour, today, 7 days) and "errors only" are links that change one thing and keep the rest.
 */
import { Form, Link, useLocation, useNavigate } from "@remix-run/react";
import type { FormEvent } from "react";
import { Filter } from "lucide-react";
import { DEFAULT_PAGE_SIZE, PAGE_SIZES, QUICK_RANGES, type LogFilters, type QuickRange } from "~/forms/log-filters.ts";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { LogFilterOptions } from "~/lib/api-types.ts";
import { cn } from "~/lib/utils.ts";
import { DateTimeField, SelectField, TextField } from "../form-field.tsx";
import { Button } from "../ui/button.tsx";

const RANGE_LABELS: Record<QuickRange, MessageKey> = { "1h": "logs.range1h", today: "logs.rangeToday", "7d": "logs.range7d" };

/** The current URL with some parameters changed (undefined removes one); always back to page 1. */
function useWith() {
  const location = useLocation();
  return (changes: Record<string, string | undefined>) => {
    const params = new URLSearchParams(location.search);
    params.delete("page");
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) params.delete(name);
      else params.set(name, value);
    }
    const search = params.toString();
    return `${location.pathname}${search ? `?${search}` : ""}`;
  };
}

function Chip({ to, active, children }: { to: string; active: boolean; children: React.ReactNode }) {
  return (
    <Link
      to={to}
      aria-current={active ? "true" : undefined}
      preventScrollReset
      className={cn(
        "rounded-full border px-3 py-1 text-xs transition-colors",
        active ? "border-primary bg-primary text-primary-foreground" : "text-muted-foreground hover:bg-accent hover:text-accent-foreground",
      )}
    >
      {children}
    </Link>
  );
}

export function LogFiltersBar({ filters, options, action }: { filters: LogFilters; options: LogFilterOptions; action: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const withParams = useWith();
  const all = { value: "", label: t("logs.all") };
  // A model filtered on earlier may have left the recent-models list; keep it selectable.
  const models = filters.model && !options.models.includes(filters.model) ? [filters.model, ...options.models] : options.models;
  const userNames = new Map(options.users.map((u) => [u.id, u.name]));
  const keys = options.keys.filter((k) => !filters.userId || k.userId === filters.userId);

  // With JavaScript, leave empty filters out of the URL (the plain GET form would send them all).
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(event.currentTarget)) {
      if (typeof value !== "string" || value === "") continue;
      if (name === "pageSize" && value === String(DEFAULT_PAGE_SIZE)) continue;
      params.set(name, value);
    }
    // Dates typed by hand replace a quick range.
    if (params.has("from") || params.has("to")) params.delete("range");
    const search = params.toString();
    navigate(`${action}${search ? `?${search}` : ""}`);
  }

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label={t("logs.quickRanges")}>
        {QUICK_RANGES.map((range) => (
          <Chip key={range} to={withParams({ range: filters.range === range ? undefined : range, from: undefined, to: undefined })} active={filters.range === range}>
            {t(RANGE_LABELS[range])}
          </Chip>
        ))}
        <span className="mx-1 h-4 w-px bg-border" aria-hidden />
        <Chip to={withParams({ errorsOnly: filters.errorsOnly ? undefined : "1" })} active={!!filters.errorsOnly}>
          {t("logs.errorsOnly")}
        </Chip>
      </div>
      {/* The key remounts the inputs when the URL changes (back button, reset), so they show the active filters. */}
      <Form method="get" action={action} key={JSON.stringify(filters)} onSubmit={submit} className="grid gap-3 sm:grid-cols-2 md:grid-cols-4 xl:grid-cols-6" aria-label={t("logs.filters")}>
        {filters.range ? <input type="hidden" name="range" value={filters.range} /> : null}
        {filters.errorsOnly ? <input type="hidden" name="errorsOnly" value="1" /> : null}
        <DateTimeField name="from" label={t("logs.from")} defaultValue={filters.range ? undefined : filters.from} />
        <DateTimeField name="to" label={t("logs.to")} defaultValue={filters.range ? undefined : filters.to} />
        <SelectField
          name="userId"
          label={t("common.user")}
          defaultValue={filters.userId ? String(filters.userId) : ""}
          options={[all, ...options.users.map((u) => ({ value: String(u.id), label: u.name }))]}
        />
        <SelectField
          name="keyId"
          label={t("logs.key")}
          defaultValue={filters.keyId ? String(filters.keyId) : ""}
          options={[
            all,
            ...keys.map((k) => ({ value: String(k.id), label: options.users.length > 1 ? `${userNames.get(k.userId) ?? "—"} · ${k.name}` : k.name })),
          ]}
        />
        {options.providers.length ? (
          <SelectField
            name="providerId"
            label={t("logs.provider")}
            defaultValue={filters.providerId ? String(filters.providerId) : ""}
            options={[all, ...options.providers.map((p) => ({ value: String(p.id), label: p.name }))]}
          />
        ) : null}
        <SelectField name="model" label={t("logs.model")} defaultValue={filters.model ?? ""} options={[all, ...models.map((m) => ({ value: m, label: m }))]} />
        <TextField name="statusCode" label={t("logs.statusCode")} type="number" min={100} max={599} inputMode="numeric" placeholder="200" defaultValue={filters.statusCode ?? ""} />
        <TextField name="sessionId" label={t("logs.session")} maxLength={1000} defaultValue={filters.sessionId ?? ""} />
        <TextField name="requestId" label={t("logs.requestId")} maxLength={200} defaultValue={filters.requestId ?? ""} />
        <SelectField
          name="pageSize"
          label={t("pagination.pageSize")}
          defaultValue={String(filters.pageSize)}
          options={PAGE_SIZES.map((size) => ({ value: String(size), label: String(size) }))}
        />
        <div className="flex items-end gap-2 sm:col-span-2 md:col-span-4 xl:col-span-6">
          <Button type="submit">
            <Filter aria-hidden />
            {t("logs.apply")}
          </Button>
          <Button asChild variant="ghost">
            <Link to={action}>{t("logs.reset")}</Link>
          </Button>
        </div>
      </Form>
    </div>
  );
}
