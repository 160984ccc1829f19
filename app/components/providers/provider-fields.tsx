/** Fields of the provider create/edit dialog (validated by app/forms/provider-form.ts). */
import { CACHE_TTL_PREFERENCES } from "~/forms/key-form.ts";
import { formatGroupPriorities, formatHeaderLines } from "~/forms/key-value-lines.ts";
import { formatAllowedModels, formatModelRedirects } from "~/forms/model-rules.ts";
import * as React from "react";
import { CLIENT_ABORT_POLICIES, CODEX_INSTRUCTIONS_STRATEGIES, MCP_PASSTHROUGH_TYPES, PROVIDER_DEFAULTS, PROVIDER_DURATION_UNITS, PROVIDER_TYPES } from "~/forms/provider-form.ts";
import { msToUnitText } from "~/lib/duration-units.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ProviderRow } from "~/lib/api-types.ts";
import { SelectField, SwitchField, TextareaField, TextField, TimeField } from "../form-field.tsx";
import { LimitInputs } from "../limit-inputs.tsx";
import { ClientListFields } from "../access-list-fields.tsx";

export function ProviderFields({ provider }: { provider?: ProviderRow }) {
  const { t } = useI18n();
  const p = provider;
  const number = (name: keyof typeof PROVIDER_DEFAULTS) => p?.[name] ?? PROVIDER_DEFAULTS[name];
  // Stored in milliseconds, typed in the field's unit (seconds or minutes); the form schema converts back.
  const durationInput = (name: keyof typeof PROVIDER_DURATION_UNITS) => ({
    type: "number",
    min: 0,
    step: "any",
    inputMode: "decimal" as const,
    defaultValue: msToUnitText(number(name), PROVIDER_DURATION_UNITS[name]),
  });
  // The Codex instructions settings only mean something for codex providers: shown for that type only.
  const [providerType, setProviderType] = React.useState<string>(p?.providerType ?? "claude");

  return (
    <>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField name="name" label={t("providers.name")} defaultValue={p?.name} required maxLength={100} autoComplete="off" />
        <SelectField
          name="providerType"
          label={t("providers.type")}
          defaultValue={p?.providerType ?? "claude"}
          onValueChange={setProviderType}
          options={PROVIDER_TYPES.map((type) => ({ value: type, label: type }))}
        />
      </div>
      <SwitchField
        // A new provider's default follows its type (on for openai-compatible): remount when the type changes.
        key={p ? "allowFormatConversion" : `allowFormatConversion-${providerType}`}
        name="allowFormatConversion"
        label={t("providers.allowFormatConversion")}
        hint={t("providers.allowFormatConversionHint")}
        defaultChecked={p?.allowFormatConversion ?? providerType === "openai-compatible"}
      />
      {providerType === "codex" && (
        <fieldset className="grid gap-3">
          <legend className="mb-2 text-sm font-semibold">{t("providers.codexInstructions")}</legend>
          <SelectField
            name="codexInstructionsStrategy"
            label={t("providers.codexInstructionsStrategy")}
            defaultValue={p?.codexInstructionsStrategy ?? "auto"}
            options={CODEX_INSTRUCTIONS_STRATEGIES.map((value) => ({ value, label: t(`providers.codexStrategy.${value}`) }))}
            hint={t("providers.codexInstructionsStrategyHint")}
            className="sm:max-w-[50%]"
          />
          <TextareaField
            name="codexInstructions"
            label={t("providers.codexInstructionsText")}
            defaultValue={p?.codexInstructions ?? ""}
            rows={4}
            maxLength={64 * 1024}
            hint={t("providers.codexInstructionsTextHint")}
          />
        </fieldset>
      )}
      <TextField name="url" label={t("providers.url")} type="url" defaultValue={p?.url} placeholder="https://api.anthropic.com" required />
      <TextField
        name="key"
        label={t("providers.apiKey")}
        type="password"
        autoComplete="new-password"
        required={!p}
        placeholder={p ? p.keyMasked : undefined}
        hint={p ? t("providers.apiKeyKeepHint") : t("providers.apiKeyHint")}
      />
      <TextareaField name="description" label={t("common.description")} defaultValue={p?.description} rows={2} className="font-sans" />
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <TextField name="weight" label={t("providers.weight")} type="number" min={0} max={1000} step={1} defaultValue={number("weight")} />
        <TextField name="priority" label={t("providers.priority")} type="number" min={0} step={1} defaultValue={number("priority")} hint={t("providers.priorityHint")} />
        <TextField name="costMultiplier" label={t("providers.costMultiplier")} type="number" min={0} step="any" defaultValue={number("costMultiplier")} />
        <TextField name="groupTag" label={t("providers.groupTag")} defaultValue={p?.groupTag ?? ""} hint={t("providers.groupTagHint")} />
      </div>
      <TextField name="websiteUrl" label={t("providers.websiteUrl")} type="url" defaultValue={p?.websiteUrl ?? ""} hint={t("providers.websiteUrlHint")} />
      <SwitchField name="isEnabled" label={t("common.enabled")} defaultChecked={p?.isEnabled ?? true} />

      <details className="rounded-md border p-3">
        <summary className="cursor-pointer text-sm font-medium">{t("providers.advanced")}</summary>
        <div className="mt-4 grid gap-5">
          <fieldset className="grid gap-3">
            <legend className="mb-2 text-sm font-semibold">{t("providers.routing")}</legend>
            <TextareaField
              name="groupPriorities"
              label={t("providers.groupPriorities")}
              defaultValue={p ? formatGroupPriorities(p.groupPriorities) : ""}
              rows={2}
              hint={t("providers.groupPrioritiesHint")}
            />
            <div className="grid gap-3 sm:grid-cols-2">
              <TimeField name="activeTimeStart" label={t("providers.activeFrom")} defaultValue={p?.activeTimeStart ?? ""} />
              <TimeField name="activeTimeEnd" label={t("providers.activeUntil")} defaultValue={p?.activeTimeEnd ?? ""} />
            </div>
            <p className="text-xs text-muted-foreground">{t("providers.activeHint")}</p>
          </fieldset>

          <fieldset className="grid gap-3">
            <legend className="mb-2 text-sm font-semibold">{t("providers.models")}</legend>
            <TextareaField
              name="allowedModels"
              label={t("providers.allowedModels")}
              defaultValue={p ? formatAllowedModels(p.allowedModels) : ""}
              rows={3}
              hint={t("providers.allowedModelsHint")}
            />
            <TextareaField
              name="modelRedirects"
              label={t("providers.modelRedirects")}
              defaultValue={p ? formatModelRedirects(p.modelRedirects) : ""}
              rows={3}
              hint={t("providers.modelRedirectsHint")}
            />
          </fieldset>

          <fieldset className="grid gap-3">
            <legend className="mb-2 text-sm font-semibold">{t("access.clients")}</legend>
            <ClientListFields allowed={p?.allowedClients} blocked={p?.blockedClients} scope="provider" />
          </fieldset>

          <fieldset className="grid gap-3">
            <legend className="mb-2 text-sm font-semibold">{t("providers.timeouts")}</legend>
            <p className="text-xs text-muted-foreground">{t("providers.timeoutsHint")}</p>
            <div className="grid gap-3 sm:grid-cols-3">
              <TextField name="firstByteTimeoutStreamingMs" label={t("providers.firstByteTimeout")} {...durationInput("firstByteTimeoutStreamingMs")} />
              <TextField name="streamingIdleTimeoutMs" label={t("providers.idleTimeout")} {...durationInput("streamingIdleTimeoutMs")} />
              <TextField name="requestTimeoutNonStreamingMs" label={t("providers.nonStreamingTimeout")} {...durationInput("requestTimeoutNonStreamingMs")} />
            </div>
            <TextField
              name="maxRetryAttempts"
              label={t("providers.retryAttempts")}
              type="number"
              min={1}
              max={10}
              step={1}
              defaultValue={p?.maxRetryAttempts ?? ""}
              hint={t("providers.retryAttemptsHint")}
              className="sm:max-w-[50%]"
            />
            <div className="grid gap-3 sm:grid-cols-2">
              <SelectField
                name="clientAbortPolicy"
                label={t("providers.clientAbortPolicy")}
                defaultValue={p?.clientAbortPolicy ?? "abort"}
                options={CLIENT_ABORT_POLICIES.map((value) => ({ value, label: t(`providers.abortPolicy.${value}`) }))}
                hint={t("providers.clientAbortPolicyHint")}
              />
              <TextField name="drainTimeoutMs" label={t("providers.drainTimeout")} {...durationInput("drainTimeoutMs")} />
            </div>
          </fieldset>

          <fieldset className="grid gap-3">
            <legend className="mb-2 text-sm font-semibold">{t("providers.breaker")}</legend>
            <div className="grid gap-3 sm:grid-cols-2">
              <TextField name="circuitBreakerFailureThreshold" label={t("providers.breakerFailures")} type="number" min={0} step={1} defaultValue={number("circuitBreakerFailureThreshold")} hint={t("providers.breakerFailuresHint")} />
              <TextField name="circuitBreakerOpenDurationMs" label={t("providers.breakerOpenMinutes")} {...durationInput("circuitBreakerOpenDurationMs")} />
              <TextField name="circuitBreakerHalfOpenSuccessThreshold" label={t("providers.breakerHalfOpenSuccesses")} type="number" min={1} step={1} defaultValue={number("circuitBreakerHalfOpenSuccessThreshold")} />
              <TextField name="circuitBreakerHalfOpenMaxProbes" label={t("providers.breakerHalfOpenProbes")} type="number" min={1} step={1} defaultValue={number("circuitBreakerHalfOpenMaxProbes")} />
            </div>
          </fieldset>

          <fieldset className="grid gap-3">
            <legend className="mb-2 text-sm font-semibold">{t("providers.network")}</legend>
            <TextField name="proxyUrl" label={t("providers.proxyUrl")} defaultValue={p?.proxyUrl ?? ""} placeholder="socks5://127.0.0.1:1080" hint={t("providers.proxyUrlHint")} />
            <SwitchField name="proxyFallbackToDirect" label={t("providers.proxyFallback")} defaultChecked={p?.proxyFallbackToDirect ?? false} />
            <SwitchField name="preserveClientIp" label={t("providers.preserveClientIp")} hint={t("providers.preserveClientIpHint")} defaultChecked={p?.preserveClientIp ?? false} />
            <TextareaField
              name="customHeaders"
              label={t("providers.customHeaders")}
              defaultValue={p ? formatHeaderLines(p.customHeaders) : ""}
              rows={2}
              hint={t("providers.customHeadersHint")}
            />
            <div className="grid gap-3 sm:grid-cols-2">
              <SelectField
                name="mcpPassthroughType"
                label={t("providers.mcpPassthrough")}
                defaultValue={p?.mcpPassthroughType ?? "none"}
                options={MCP_PASSTHROUGH_TYPES.map((value) => ({ value, label: value === "none" ? t("providers.mcpNone") : value }))}
              />
              <TextField name="mcpPassthroughUrl" label={t("providers.mcpPassthroughUrl")} type="url" defaultValue={p?.mcpPassthroughUrl ?? ""} hint={t("providers.mcpPassthroughUrlHint")} />
            </div>
          </fieldset>

          <fieldset className="grid gap-3">
            <legend className="mb-2 text-sm font-semibold">{t("providers.sessions")}</legend>
            <TextField
              name="sessionTtlSeconds"
              label={t("providers.sessionTtl")}
              type="number"
              min={1}
              step={1}
              defaultValue={p?.sessionTtlSeconds ?? ""}
              hint={t("providers.sessionTtlHint")}
              className="sm:max-w-[50%]"
            />
            <SwitchField name="disableSessionReuse" label={t("providers.disableSessionReuse")} hint={t("providers.disableSessionReuseHint")} defaultChecked={p?.disableSessionReuse ?? false} />
            <SwitchField name="reclaimSessions" label={t("providers.reclaimSessions")} hint={t("providers.reclaimSessionsHint")} defaultChecked={p?.reclaimSessions ?? false} />
            <SelectField
              name="cacheTtlPreference"
              label={t("keys.cacheTtl")}
              defaultValue={p?.cacheTtlPreference ?? "inherit"}
              options={CACHE_TTL_PREFERENCES.map((value) => ({ value, label: value === "inherit" ? t("keys.cacheTtlInherit") : value }))}
              hint={t("providers.cacheTtlHint")}
              className="sm:max-w-[50%]"
            />
          </fieldset>

          <LimitInputs values={p} hint={t("limits.providerHint")} />
        </div>
      </details>
    </>
  );
}
