/** The filter bar of /dashboard/logs: a GET form, so the filters end up in the URL. */
import { Form, Link, useNavigate } from "@remix-run/react";
import type { FormEvent } from "react";
import { Filter } from "lucide-react";
import { DEFAULT_PAGE_SIZE, PAGE_SIZES, type LogFilters } from "~/forms/log-filters.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { LogFilterOptions } from "~/lib/api-types.ts";
import { DateTimeField, SelectField, TextField } from "../form-field.tsx";
import { Button } from "../ui/button.tsx";

export function LogFiltersBar({ filters, options, action }: { filters: LogFilters; options: LogFilterOptions; action: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const all = { value: "", label: t("logs.all") };
  // A model filtered on earlier may have left the recent-models list; keep it selectable.
  const models = filters.model && !options.models.includes(filters.model) ? [filters.model, ...options.models] : options.models;

  // With JavaScript, leave empty filters out of the URL (the plain GET form would send them all).
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(event.currentTarget)) {
      if (typeof value !== "string" || value === "") continue;
      if (name === "pageSize" && value === String(DEFAULT_PAGE_SIZE)) continue;
      params.set(name, value);
    }
    const search = params.toString();
    navigate(`${action}${search ? `?${search}` : ""}`);
  }

  return (
    // The key remounts the inputs when the URL changes (back button, reset), so they show the active filters.
    <Form method="get" action={action} key={JSON.stringify(filters)} onSubmit={submit} className="grid gap-3 md:grid-cols-4 xl:grid-cols-9" aria-label={t("logs.filters")}>
      <DateTimeField name="from" label={t("logs.from")} defaultValue={filters.from} className="xl:col-span-2" />
      <DateTimeField name="to" label={t("logs.to")} defaultValue={filters.to} className="xl:col-span-2" />
      <SelectField
        name="userId"
        label={t("common.user")}
        defaultValue={filters.userId ? String(filters.userId) : ""}
        options={[all, ...options.users.map((u) => ({ value: String(u.id), label: u.name }))]}
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
      <SelectField
        name="pageSize"
        label={t("pagination.pageSize")}
        defaultValue={String(filters.pageSize)}
        options={PAGE_SIZES.map((size) => ({ value: String(size), label: String(size) }))}
      />
      <div className="flex items-end gap-2 md:col-span-4 xl:col-span-9">
        <Button type="submit">
          <Filter aria-hidden />
          {t("logs.apply")}
        </Button>
        <Button asChild variant="ghost">
          <Link to={action}>{t("logs.reset")}</Link>
        </Button>
      </div>
    </Form>
  );
}
