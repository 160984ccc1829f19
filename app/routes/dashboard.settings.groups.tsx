/**
 * /dashboard/settings/groups (admins): provider groups and their cost multipliers. Providers
 * join a group through their group tag; a group row adds a multiplier and a description.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Pencil, Plus, Trash2 } from "lucide-react";
import { ActionDialog } from "~/components/action-dialog.tsx";
import { TextField } from "~/components/form-field.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Badge } from "~/components/ui/badge.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "~/components/ui/table.tsx";
import { idField } from "~/forms/form-data.ts";
import { groupFormSchema } from "~/forms/group-form.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import type { GroupRow } from "~/lib/api-types.ts";
import { invalidRequest, mutate, query, requireAdmin, submit } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "settings.navGroups");

export async function loader({ context }: LoaderFunctionArgs) {
  requireAdmin(context);
  return query(context.trpc.groups.list({}));
}

export async function action({ context, request }: ActionFunctionArgs): Promise<ActionResult> {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const id = idField(form);
  switch (intent) {
    case "group-create":
      return submit(intent, form, groupFormSchema, (data) => context.trpc.groups.create(data).then(() => undefined));
    case "group-update":
      if (!id) return invalidRequest(intent);
      return submit(intent, form, groupFormSchema, (data) => context.trpc.groups.update({ id, ...data }).then(() => undefined));
    case "group-delete":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.groups.delete({ id }).then(() => undefined));
    default:
      return invalidRequest(intent);
  }
}

function GroupFields({ group, name }: { group?: GroupRow; name?: string }) {
  const { t } = useI18n();
  return (
    <>
      <TextField name="name" label={t("groups.name")} defaultValue={group?.name ?? name} required maxLength={100} autoComplete="off" hint={group ? t("groups.renameHint") : undefined} />
      <TextField name="costMultiplier" label={t("groups.costMultiplier")} type="number" min={0} max={1000} step="any" defaultValue={group?.costMultiplier ?? 1} hint={t("groups.costMultiplierHint")} />
      <TextField name="description" label={t("common.description")} defaultValue={group?.description} maxLength={500} />
    </>
  );
}

export default function GroupsPage() {
  const { items, untracked } = useLoaderData<typeof loader>();
  const { t, fmt } = useI18n();
  return (
    <>
      <PageHeader
        title={t("groups.title")}
        description={t("groups.subtitle")}
        actions={
          <ActionDialog
            trigger={
              <Button>
                <Plus aria-hidden />
                {t("groups.new")}
              </Button>
            }
            title={t("groups.createTitle")}
            description={t("groups.createDescription")}
            intent="group-create"
            submitLabel={t("common.create")}
          >
            <GroupFields />
          </ActionDialog>
        }
      />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
        <Card>
          <CardContent className="p-0">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("groups.name")}</TableHead>
                  <TableHead className="text-right">{t("groups.costMultiplier")}</TableHead>
                  <TableHead>{t("common.description")}</TableHead>
                  <TableHead className="text-right">{t("groups.providers")}</TableHead>
                  <TableHead className="text-right">{t("common.actions")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.length === 0 ? <TableEmpty colSpan={5}>{t("groups.empty")}</TableEmpty> : null}
                {items.map((group) => (
                  <TableRow key={group.id}>
                    <TableCell className="font-medium">{group.name}</TableCell>
                    <TableCell className="text-right tabular-nums">×{group.costMultiplier}</TableCell>
                    <TableCell className="text-muted-foreground">{group.description || "—"}</TableCell>
                    <TableCell className="text-right tabular-nums">{fmt.integer(group.providerCount)}</TableCell>
                    <TableCell>
                      <div className="flex justify-end gap-1">
                        <ActionDialog
                          trigger={
                            <Button variant="ghost" size="icon" aria-label={t("groups.editNamed", { name: group.name })}>
                              <Pencil aria-hidden />
                            </Button>
                          }
                          title={t("groups.editTitle")}
                          description={t("groups.editDescription", { name: group.name })}
                          intent="group-update"
                          hidden={{ id: group.id }}
                          submitLabel={t("common.save")}
                        >
                          <GroupFields group={group} />
                        </ActionDialog>
                        <ActionDialog
                          trigger={
                            <Button variant="ghost" size="icon" aria-label={t("groups.deleteNamed", { name: group.name })}>
                              <Trash2 aria-hidden />
                            </Button>
                          }
                          title={t("groups.deleteTitle")}
                          description={t("groups.deleteDescription", { name: group.name })}
                          intent="group-delete"
                          hidden={{ id: group.id }}
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
        {untracked.length ? (
          <Card>
            <CardHeader>
              <CardTitle>{t("groups.untrackedTitle")}</CardTitle>
              <CardDescription>{t("groups.untrackedHint")}</CardDescription>
            </CardHeader>
            <CardContent className="flex flex-wrap gap-2">
              {untracked.map((name) => (
                <ActionDialog
                  key={name}
                  trigger={
                    <Button variant="outline" size="sm" aria-label={t("groups.addNamed", { name })}>
                      <Plus aria-hidden />
                      <Badge variant="secondary">{name}</Badge>
                    </Button>
                  }
                  title={t("groups.createTitle")}
                  description={t("groups.createDescription")}
                  intent="group-create"
                  submitLabel={t("common.create")}
                >
                  <GroupFields name={name} />
                </ActionDialog>
              ))}
            </CardContent>
          </Card>
        ) : null}
      </div>
    </>
  );
}
