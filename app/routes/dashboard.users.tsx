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
import { UsersTable } from "~/components/users/users-table.tsx";
import { idField, parseForm } from "~/forms/form-data.ts";
import { keyFormSchema } from "~/forms/key-form.ts";
import { userFormSchema } from "~/forms/user-form.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import { isAdminViewer, mutate, query, requireAdmin, requireDashboard } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { providerGroups } from "~/lib/provider-groups.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.users");

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireDashboard(context);
  const isAdmin = isAdminViewer(viewer);
  const { items: users } = await query(context.trpc.users.list({}));
  const requested = Number(new URL(request.url).searchParams.get("user"));
  // A non-admin has exactly one user (themself): show their keys straight away.
  const selected = users.find((u) => u.id === requested) ?? (!isAdmin && users.length === 1 ? users[0] : undefined);
  const [keys, groups] = await Promise.all([
    selected ? query(context.trpc.keys.list({ userId: selected.id })).then((r) => r.items) : [],
    isAdmin ? query(providerGroups(context)) : [],
  ]);
  return { users, selectedId: selected?.id ?? null, keys, groups, isAdmin, now: Date.now() };
}

const invalid = (intent: string): ActionResult => ({ ok: false, intent, formError: "form.invalidRequest" });

export async function action({ context, request }: ActionFunctionArgs) {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const id = idField(form);

  switch (intent) {
    case "user-create":
    case "user-update": {
      const parsed = parseForm(userFormSchema, form);
      if (!parsed.ok) return { ok: false, intent, fieldErrors: parsed.fieldErrors, formError: "form.fixErrors" } satisfies ActionResult;
      if (intent === "user-create") return mutate(intent, () => context.trpc.users.create(parsed.data).then(() => undefined));
      if (!id) return invalid(intent);
      return mutate(intent, () => context.trpc.users.update({ id, ...parsed.data }).then(() => undefined));
    }
    case "user-delete":
      if (!id) return invalid(intent);
      return mutate(intent, () => context.trpc.users.delete({ id }).then(() => undefined));
    case "key-create": {
      const userId = idField(form, "userId");
      const parsed = parseForm(keyFormSchema, form);
      if (!parsed.ok) return { ok: false, intent, fieldErrors: parsed.fieldErrors, formError: "form.fixErrors" } satisfies ActionResult;
      if (!userId) return invalid(intent);
      // Only the name and the key go back to the browser, once.
      return mutate(intent, () => context.trpc.keys.create({ userId, ...parsed.data }).then((created) => ({ name: created.name, key: created.key })));
    }
    case "key-update": {
      const parsed = parseForm(keyFormSchema, form);
      if (!parsed.ok) return { ok: false, intent, fieldErrors: parsed.fieldErrors, formError: "form.fixErrors" } satisfies ActionResult;
      if (!id) return invalid(intent);
      return mutate(intent, () => context.trpc.keys.update({ id, ...parsed.data }).then(() => undefined));
    }
    case "key-toggle":
      if (!id) return invalid(intent);
      return mutate(intent, () => context.trpc.keys.update({ id, isEnabled: form.get("isEnabled") === "true" }).then(() => undefined));
    case "key-delete":
      if (!id) return invalid(intent);
      return mutate(intent, () => context.trpc.keys.delete({ id }).then(() => undefined));
    default:
      return invalid(intent);
  }
}

export default function UsersPage() {
  const { users, selectedId, keys, groups, isAdmin, now } = useLoaderData<typeof loader>();
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
      <div className="grid gap-6">
        <Card>
          <CardContent className="p-0">
            <UsersTable users={users} selectedId={selectedId} isAdmin={isAdmin} groups={groups} now={now} />
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
