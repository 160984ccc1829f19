/**
 * /dashboard/providers (admins): the upstreams, with create, edit and delete (the upstream key
 * is write-only), their circuit-breaker state with a reset, and a connection test.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Plus } from "lucide-react";
import { ActionDialog } from "~/components/action-dialog.tsx";
import { ProviderFields } from "~/components/providers/provider-fields.tsx";
import { ProvidersTable } from "~/components/providers/providers-table.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent } from "~/components/ui/card.tsx";
import { idField } from "~/forms/form-data.ts";
import { providerCreateSchema, providerUpdateSchema } from "~/forms/provider-form.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import { invalidRequest, mutate, query, requireAdmin, submit } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.providers");

export async function loader({ context }: LoaderFunctionArgs) {
  requireAdmin(context);
  const [{ items }, health] = await Promise.all([query(context.trpc.providers.list({})), query(context.trpc.providers.health({}))]);
  return { providers: items, health: Object.fromEntries(health.items.map((h) => [h.providerId, h])) };
}

export async function action({ context, request }: ActionFunctionArgs): Promise<ActionResult<unknown>> {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const id = idField(form);

  switch (intent) {
    case "provider-create":
      return submit(intent, form, providerCreateSchema, (data) => context.trpc.providers.create(data).then(() => undefined));
    case "provider-update":
      if (!id) return invalidRequest(intent);
      return submit(intent, form, providerUpdateSchema, (data) => context.trpc.providers.update({ id, ...data }).then(() => undefined));
    case "provider-reset-breaker":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.providers.resetBreaker({ id }).then(() => undefined));
    case "provider-test": {
      if (!id) return invalidRequest(intent);
      const model = String(form.get("model") ?? "").trim() || undefined;
      return mutate(intent, () => context.trpc.providers.test({ id, model }));
    }
    case "provider-delete":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.providers.delete({ id }).then(() => undefined));
    default:
      return invalidRequest(intent);
  }
}

export default function ProvidersPage() {
  const { providers, health } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <>
      <PageHeader
        title={t("providers.title")}
        description={t("providers.subtitle")}
        actions={
          <ActionDialog
            trigger={
              <Button>
                <Plus aria-hidden />
                {t("providers.new")}
              </Button>
            }
            title={t("providers.createTitle")}
            description={t("providers.createDescription")}
            intent="provider-create"
            submitLabel={t("common.create")}
            className="max-w-2xl"
          >
            <ProviderFields />
          </ActionDialog>
        }
      />
      <Card>
        <CardContent className="p-0">
          <ProvidersTable providers={providers} health={health} />
        </CardContent>
      </Card>
    </>
  );
}
