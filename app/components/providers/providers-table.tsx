/** Providers in scheduling order (priority, then id), with their breaker state, a connection test, edit and delete. */
import { Pencil, Trash2 } from "lucide-react";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ProviderHealth, ProviderRow } from "~/lib/api-types.ts";
import { ActionDialog } from "../action-dialog.tsx";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "../ui/table.tsx";
import { ProviderFields } from "./provider-fields.tsx";
import { BreakerCell, ProviderTestDialog } from "./provider-health.tsx";

export function ProvidersTable({ providers, health }: { providers: ProviderRow[]; health: Record<number, ProviderHealth> }) {
  const { t, fmt } = useI18n();
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>{t("providers.name")}</TableHead>
          <TableHead>{t("providers.url")}</TableHead>
          <TableHead>{t("common.status")}</TableHead>
          <TableHead>{t("breaker.title")}</TableHead>
          <TableHead className="text-right">{t("providers.priority")}</TableHead>
          <TableHead className="text-right">{t("providers.weight")}</TableHead>
          <TableHead>{t("providers.groupTag")}</TableHead>
          <TableHead>{t("providers.apiKey")}</TableHead>
          <TableHead className="sticky right-0 bg-background text-right">{t("common.actions")}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {providers.length === 0 ? <TableEmpty colSpan={9}>{t("providers.empty")}</TableEmpty> : null}
        {providers.map((provider) => (
          <TableRow key={provider.id}>
            <TableCell>
              <div className="flex items-center gap-2">
                <span className="max-w-[14rem] truncate font-medium" title={provider.name}>
                  {provider.name}
                </span>
                <Badge variant="outline">{provider.providerType}</Badge>
              </div>
              {provider.description ? <div className="max-w-[16rem] truncate text-xs text-muted-foreground">{provider.description}</div> : null}
            </TableCell>
            <TableCell className="max-w-[12rem] truncate font-mono text-xs" title={provider.url}>
              {provider.url}
            </TableCell>
            <TableCell>
              {provider.isEnabled ? <Badge variant="success">{t("status.enabled")}</Badge> : <Badge variant="muted">{t("status.disabled")}</Badge>}
            </TableCell>
            <TableCell>
              <BreakerCell provider={provider} health={health[provider.id]} />
            </TableCell>
            <TableCell className="text-right tabular-nums">{fmt.integer(provider.priority)}</TableCell>
            <TableCell className="text-right tabular-nums">{fmt.integer(provider.weight)}</TableCell>
            <TableCell className="max-w-[10rem] truncate text-muted-foreground" title={provider.groupTag ?? undefined}>
              {provider.groupTag ?? t("common.defaultGroup")}
            </TableCell>
            <TableCell className="font-mono text-xs">{provider.keyMasked}</TableCell>
            {/* The actions stick to the right edge when the table scrolls, so edit and delete stay on screen. */}
            <TableCell className="sticky right-0 bg-background">
              <div className="flex justify-end gap-1">
                <ProviderTestDialog provider={provider} />
                <ActionDialog
                  trigger={
                    <Button variant="ghost" size="icon" aria-label={t("providers.editNamed", { name: provider.name })}>
                      <Pencil aria-hidden />
                    </Button>
                  }
                  title={t("providers.editTitle")}
                  description={t("providers.editDescription", { name: provider.name })}
                  intent="provider-update"
                  hidden={{ id: provider.id }}
                  submitLabel={t("common.save")}
                  className="max-w-2xl"
                >
                  <ProviderFields provider={provider} />
                </ActionDialog>
                <ActionDialog
                  trigger={
                    <Button variant="ghost" size="icon" aria-label={t("providers.deleteNamed", { name: provider.name })}>
                      <Trash2 aria-hidden />
                    </Button>
                  }
                  title={t("providers.deleteTitle")}
                  description={t("providers.deleteDescription", { name: provider.name })}
                  intent="provider-delete"
                  hidden={{ id: provider.id }}
                  submitLabel={t("common.delete")}
                  destructive
                />
              </div>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
