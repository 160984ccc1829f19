/**
 * /dashboard/users: the users table and, for the user picked with ?user=<id>, their API keys.
 * Admins create, edit and delete; other dashboard users see only themselves, read-only.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Plus } from "lucide-react";
import { ActionDialog } from "~/components/action-dialog.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent } from "~/components/ui/card.tsx";
import { KeysPanel } from "~/components/users/keys-panel.tsx";
import { UserFields } from "~/components/users/user-fields.tsx";
import { ROSTER_SORTS, UsersTable } from "~/components/users/users-table.tsx";
import type { QuotaEntity } from "~/lib/api-types.ts";
import { z } from "zod";
import { idField } from "~/forms/form-data.ts";
import { keyFormSchema } from "~/forms/key-form.ts";
import { userFormSchema } from "~/forms/user-form.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { invalidRequest, isAdminViewer, mutate, query, requireAdmin, requireDashboard, submit } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { providerGroups } from "~/lib/provider-groups.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.users");

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireDashboard(context);
  const isAdmin = isAdminViewer(viewer);
  const params = new URL(request.url).searchParams;
  const sort = z.enum(ROSTER_SORTS).catch("use").parse(params.get("sort"));
  // The limit bars come from the same counters the gateway admits against.
  const [{ items: users }, quotaList] = await Promise.all([
    query(context.trpc.users.list({})),
    isAdmin ? query(context.trpc.quotas.users({})).then((r) => r.items) : query(context.trpc.quotas.mine({})).then((r) => (r.user ? [r.user] : [])),
  ]);
  const quotas: Record<number, QuotaEntity> = Object.fromEntries(quotaList.map((q) => [q.id, q]));
  const requested = Number(params.get("user"));
  // A non-admin has exactly one user (themself): show their keys straight away.
  const selected = users.find((u) => u.id === requested) ?? (!isAdmin && users.length === 1 ? users[0] : undefined);
  const [keys, groups] = await Promise.all([
    selected ? query(context.trpc.keys.list({ userId: selected.id })).then((r) => r.items) : [],
    isAdmin ? query(providerGroups(context)) : [],
  ]);
  return { users, selectedId: selected?.id ?? null, keys, groups, isAdmin, now: Date.now(), quotas, sort };
}

export async function action({ context, request }: ActionFunctionArgs) {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const id = idField(form);

  switch (intent) {
    case "user-create":
      return submit(intent, form, userFormSchema, (data) => context.trpc.users.create(data).then(() => undefined));
    case "user-update":
      if (!id) return invalidRequest(intent);
      return submit(intent, form, userFormSchema, (data) => context.trpc.users.update({ id, ...data }).then(() => undefined));
    case "user-delete":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.users.delete({ id }).then(() => undefined));
    case "key-create": {
      const userId = idField(form, "userId");
      if (!userId) return invalidRequest(intent);
      // Only the name and the key go back to the browser, once.
      return submit(intent, form, keyFormSchema, (data) => context.trpc.keys.create({ userId, ...data }).then((created) => ({ name: created.name, key: created.key })));
    }
    case "key-update":
      if (!id) return invalidRequest(intent);
      return submit(intent, form, keyFormSchema, (data) => context.trpc.keys.update({ id, ...data }).then(() => undefined));
    case "key-toggle":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.keys.update({ id, isEnabled: form.get("isEnabled") === "true" }).then(() => undefined));
    case "key-delete":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.keys.delete({ id }).then(() => undefined));
    default:
      return invalidRequest(intent);
  }
}

export default function UsersPage() {
  const { users, selectedId, keys, groups, isAdmin, now, quotas, sort } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const selected = users.find((u) => u.id === selectedId);

  return (
    <>
      <PageHeader
        title={t("users.title")}
        description={isAdmin ? t("users.subtitle") : t("users.subtitleSelf")}
        actions={
          isAdmin ? (
            <ActionDialog
              trigger={
                <Button>
                  <Plus aria-hidden />
                  {t("users.new")}
                </Button>
              }
              title={t("users.createTitle")}
              description={t("users.createDescription")}
              intent="user-create"
              submitLabel={t("common.create")}
            >
              <UserFields groups={groups} />
            </ActionDialog>
          ) : null
        }
      />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
        <Card>
          <CardContent className="p-0">
            <UsersTable users={users} selectedId={selectedId} isAdmin={isAdmin} groups={groups} now={now} quotas={quotas} sort={sort} />
          </CardContent>
        </Card>
        {selected ? (
          <KeysPanel user={selected} keys={keys} isAdmin={isAdmin} groups={groups} now={now} />
        ) : users.length ? (
          <p className="text-sm text-muted-foreground">{t("users.pickUser")}</p>
        ) : null}
      </div>
    </>
  );
}
