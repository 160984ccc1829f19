/**
 * Health of a provider on the providers page: its circuit-breaker state with a reset, and a
 * connection test that sends one small real request.
 */
import { useFetcher } from "@remix-run/react";
import { PlugZap, RotateCcw } from "lucide-react";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ProviderHealth, ProviderRow, ProviderTestResult } from "~/lib/api-types.ts";
import { ActionDialog } from "../action-dialog.tsx";
import { TextField } from "../form-field.tsx";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "../ui/dialog.tsx";

export function BreakerCell({ provider, health }: { provider: ProviderRow; health: ProviderHealth | undefined }) {
  const { t, fmt } = useI18n();
  const fetcher = useFetcher();
  const breaker = health?.breaker ?? { state: "closed" as const, failures: 0, openUntil: null, halfOpenSuccesses: 0 };
  const badge =
    breaker.state === "open" ? (
      <Badge variant="danger">{t("breaker.open")}</Badge>
    ) : breaker.state === "half_open" ? (
      <Badge variant="warning">{t("breaker.halfOpen")}</Badge>
    ) : (
      <Badge variant="success">{t("breaker.closed")}</Badge>
    );
  const detail =
    breaker.state === "open" && breaker.openUntil
      ? t("breaker.openUntil", { time: fmt.dateTime(breaker.openUntil) })
      : breaker.state === "half_open"
        ? t("breaker.halfOpenSuccesses", { count: breaker.halfOpenSuccesses, threshold: health?.halfOpenSuccessThreshold ?? 0 })
        : breaker.failures > 0
          ? t("breaker.failures", { count: breaker.failures, threshold: health?.failureThreshold ?? 0 })
          : null;
  const resettable = breaker.state !== "closed" || breaker.failures > 0;
  // A fixed width that wraps its detail: an open breaker must not push the row's actions off-screen.
  return (
    <div className="flex w-44 items-start gap-2">
      <div className="grid min-w-0 flex-1 gap-0.5">
        {badge}
        {detail ? <span className="whitespace-normal break-words text-xs text-muted-foreground">{detail}</span> : null}
      </div>
      {resettable ? (
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="provider-reset-breaker" />
          <input type="hidden" name="id" value={provider.id} />
          <Button
            type="submit"
            variant="outline"
            size="icon"
            className="size-8"
            disabled={fetcher.state !== "idle"}
            aria-label={t("breaker.resetNamed", { name: provider.name })}
            title={t("breaker.reset")}
          >
            <RotateCcw aria-hidden />
          </Button>
        </fetcher.Form>
      ) : null}
    </div>
  );
}

export function ProviderTestDialog({ provider }: { provider: ProviderRow }) {
  const { t } = useI18n();
  return (
    <ActionDialog<ProviderTestResult>
      trigger={
        <Button variant="ghost" size="icon" aria-label={t("providerTest.openNamed", { name: provider.name })}>
          <PlugZap aria-hidden />
        </Button>
      }
      title={t("providerTest.title")}
      description={t("providerTest.description", { name: provider.name })}
      intent="provider-test"
      hidden={{ id: provider.id }}
      submitLabel={t("providerTest.run")}
      renderSuccess={(result, close) => <ProviderTestReport name={provider.name} result={result} onClose={close} />}
    >
      <TextField name="model" label={t("providerTest.model")} hint={t("providerTest.modelHint")} maxLength={200} autoComplete="off" />
    </ActionDialog>
  );
}

function ProviderTestReport({ name, result, onClose }: { name: string; result: ProviderTestResult; onClose: () => void }) {
  const { t, fmt } = useI18n();
  return (
    <>
      <DialogHeader>
        <DialogTitle>{t("providerTest.resultTitle")}</DialogTitle>
        <DialogDescription>{t("providerTest.resultDescription", { name })}</DialogDescription>
      </DialogHeader>
      <div role="status" className="grid gap-3">
        <div>{result.ok ? <Badge variant="success">{t("providerTest.ok")}</Badge> : <Badge variant="danger">{t("providerTest.failed")}</Badge>}</div>
        <dl className="grid grid-cols-3 gap-3 text-sm">
          <div>
            <dt className="text-xs text-muted-foreground">{t("providerTest.status")}</dt>
            <dd className="font-medium tabular-nums">{result.status ?? "—"}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted-foreground">{t("providerTest.latency")}</dt>
            <dd className="font-medium tabular-nums">{fmt.duration(result.latencyMs)}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted-foreground">{t("providerTest.model")}</dt>
            <dd className="truncate font-medium">{result.model ?? "—"}</dd>
          </div>
        </dl>
        <div>
          <div className="text-xs text-muted-foreground">{t("providerTest.message")}</div>
          {/* The hub's own finding in the reader's language; an upstream's answer as it came. */}
          <p className="break-words rounded-md bg-muted px-3 py-2 font-mono text-xs">
            {result.reason ? t(`providerTest.reason.${result.reason}`, { detail: result.detail ?? "" }) : result.message}
          </p>
        </div>
      </div>
      <DialogFooter>
        <Button type="button" onClick={onClose}>
          {t("common.close")}
        </Button>
      </DialogFooter>
    </>
  );
}
