/** The API keys of one user: masked keys, status, web login; admins create, edit, enable/disable and delete. */
import { useFetcher } from "@remix-run/react";
import { Pencil, Trash2 } from "lucide-react";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { KeyRow, UserRow } from "~/lib/api-types.ts";
import { ActionDialog } from "../action-dialog.tsx";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "../ui/table.tsx";
import { KeyCreateDialog } from "./key-create-dialog.tsx";
import { KeyFields } from "./key-fields.tsx";
import { StatusBadge } from "./status-badge.tsx";

interface KeysPanelProps {
  user: UserRow;
  keys: KeyRow[];
  isAdmin: boolean;
  groups: string[];
  now: number;
}

export function KeysPanel({ user, keys, isAdmin, groups, now }: KeysPanelProps) {
  const { t, fmt } = useI18n();
  const columns = isAdmin ? 8 : 6;
  return (
    <Card aria-labelledby="keys-title">
      <CardHeader className="flex-row items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle id="keys-title">{t("keys.title", { name: user.name })}</CardTitle>
          <CardDescription>{t("keys.subtitle")}</CardDescription>
        </div>
        {isAdmin ? <KeyCreateDialog userId={user.id} userName={user.name} groups={groups} /> : null}
      </CardHeader>
      <CardContent>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t("keys.name")}</TableHead>
              <TableHead>{t("keys.key")}</TableHead>
              <TableHead>{t("common.status")}</TableHead>
              <TableHead>{t("keys.webLogin")}</TableHead>
              {isAdmin ? <TableHead>{t("common.providerGroup")}</TableHead> : null}
              <TableHead>{t("common.expiresAt")}</TableHead>
              <TableHead>{t("keys.lastUsed")}</TableHead>
              {isAdmin ? <TableHead className="text-right">{t("common.actions")}</TableHead> : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {keys.length === 0 ? <TableEmpty colSpan={columns}>{t("keys.empty")}</TableEmpty> : null}
            {keys.map((key) => (
              <TableRow key={key.id}>
                <TableCell className="font-medium">{key.name}</TableCell>
                <TableCell className="font-mono text-xs">{key.keyMasked}</TableCell>
                <TableCell>
                  <StatusBadge enabled={key.isEnabled} expiresAt={key.expiresAt} now={now} />
                </TableCell>
                <TableCell>
                  <Badge variant={key.canLoginWebUi ? "secondary" : "outline"}>{key.canLoginWebUi ? t("common.yes") : t("common.no")}</Badge>
                </TableCell>
                {isAdmin ? <TableCell className="text-muted-foreground">{key.providerGroup ?? t("keys.inheritGroup")}</TableCell> : null}
                <TableCell className={key.expiresAt ? "whitespace-nowrap" : "text-muted-foreground"}>{key.expiresAt ? fmt.dateTime(key.expiresAt) : t("common.never")}</TableCell>
                <TableCell className="whitespace-nowrap text-muted-foreground">{key.lastUsedAt ? fmt.dateTime(key.lastUsedAt) : t("common.never")}</TableCell>
                {isAdmin ? (
                  <TableCell>
                    <div className="flex items-center justify-end gap-1">
                      <KeyToggle keyRow={key} />
                      <ActionDialog
                        trigger={
                          <Button variant="ghost" size="icon" aria-label={t("keys.editNamed", { name: key.name })}>
                            <Pencil aria-hidden />
                          </Button>
                        }
                        title={t("keys.editTitle")}
                        description={t("keys.editDescription", { name: key.name })}
                        intent="key-update"
                        hidden={{ id: key.id }}
                        submitLabel={t("common.save")}
                      >
                        <KeyFields keyRow={key} groups={groups} />
                      </ActionDialog>
                      <ActionDialog
                        trigger={
                          <Button variant="ghost" size="icon" aria-label={t("keys.deleteNamed", { name: key.name })}>
                            <Trash2 aria-hidden />
                          </Button>
                        }
                        title={t("keys.deleteTitle")}
                        description={t("keys.deleteDescription", { name: key.name })}
                        intent="key-delete"
                        hidden={{ id: key.id }}
                        submitLabel={t("common.delete")}
                        destructive
                      />
                    </div>
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

/** Enable or disable in one click; the row shows the new state once the page data reloads. */
function KeyToggle({ keyRow }: { keyRow: KeyRow }) {
  const { t } = useI18n();
  const fetcher = useFetcher();
  const label = keyRow.isEnabled ? t("keys.disable") : t("keys.enable");
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="key-toggle" />
      <input type="hidden" name="id" value={keyRow.id} />
      <input type="hidden" name="isEnabled" value={keyRow.isEnabled ? "false" : "true"} />
      <Button type="submit" variant="outline" size="sm" disabled={fetcher.state !== "idle"} aria-label={`${label}: ${keyRow.name}`}>
        {label}
      </Button>
    </fetcher.Form>
  );
}
