/** The friendly page for 404, 403 and unexpected errors (root and nested error boundaries). */
import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { MessageKey } from "~/i18n/index.ts";
import { Button } from "./ui/button.tsx";

const MESSAGES: Record<number, { title: MessageKey; body: MessageKey }> = {
  403: { title: "error.forbiddenTitle", body: "error.forbiddenBody" },
  404: { title: "error.notFoundTitle", body: "error.notFoundBody" },
};

/** `inShell`: drawn inside the dashboard frame (which has its own <main>), so the navigation stays. */
export function ErrorPage({ inShell = false }: { inShell?: boolean }) {
  const error = useRouteError();
  const { t } = useI18n();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message = MESSAGES[status] ?? { title: "error.unexpectedTitle", body: "error.unexpectedBody" };
  const Wrapper = inShell ? "section" : "main";
  return (
    <Wrapper className="flex min-h-[60vh] flex-col items-center justify-center gap-4 p-8 text-center">
      <p className="text-5xl font-bold text-muted-foreground">{status}</p>
      <h1 className="text-2xl font-semibold">{t(message.title)}</h1>
      <p className="max-w-md text-muted-foreground">{t(message.body)}</p>
      <Button asChild>
        <Link to={inShell ? "/dashboard" : "/"}>{t("error.home")}</Link>
      </Button>
    </Wrapper>
  );
}
