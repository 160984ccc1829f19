/**
 * /login: one field for the admin token or an API key. The hub checks it (context.login, with
 * the per-address lockout); this route only sets the session cookie and redirects.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { KeyRound, ShieldAlert } from "lucide-react";
import { LanguageSwitch } from "~/components/shell/language-switch.tsx";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader } from "~/components/ui/card.tsx";
import { Input } from "~/components/ui/input.tsx";
import { Label } from "~/components/ui/label.tsx";
import { useI18n } from "~/i18n/use-i18n.ts";
import { homeFor } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { secureCookieWillBeDropped, sessionCookie } from "~/lib/session.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "login.title");

export async function loader({ context, request }: LoaderFunctionArgs) {
  if (context.viewer) throw redirect(homeFor(context.viewer));
  return { secureCookieWarning: secureCookieWillBeDropped(context, request) };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const form = await request.formData();
  const token = String(form.get("token") ?? "");
  const result = await context.login(token, context.clientAddress);
  if (result.ok) {
    return redirect(result.redirectTo, { headers: { "Set-Cookie": sessionCookie(context, result.cookie) } });
  }
  return data(
    { status: result.status, message: result.message, retryAfterSeconds: result.retryAfterSeconds ?? null },
    { status: result.status, headers: result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : undefined },
  );
}

export default function LoginPage() {
  const { secureCookieWarning } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, tServer } = useI18n();
  const submitting = navigation.state !== "idle" && navigation.formAction === "/login";

  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-6 bg-muted/40 p-4">
      <div className="flex w-full max-w-sm justify-end">
        <LanguageSwitch />
      </div>
      <Card className="w-full max-w-sm">
        <CardHeader>
          <div className="mb-2 flex size-10 items-center justify-center rounded-full bg-primary text-primary-foreground">
            <KeyRound className="size-5" aria-hidden />
          </div>
          <h1 className="text-xl font-semibold tracking-tight">{t("app.name")}</h1>
          <CardDescription>{t("login.subtitle")}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {secureCookieWarning ? (
            <Alert variant="warning">
              <ShieldAlert aria-hidden />
              <AlertTitle>{t("login.insecureTitle")}</AlertTitle>
              <AlertDescription>{t("login.insecureBody")}</AlertDescription>
            </Alert>
          ) : null}
          {failure ? (
            <Alert variant="destructive">
              <AlertTitle>{failure.status === 429 ? t("login.lockedTitle") : t("login.failedTitle")}</AlertTitle>
              <AlertDescription>
                {failure.status === 429 && failure.retryAfterSeconds ? t("login.lockedBody", { seconds: failure.retryAfterSeconds }) : tServer(failure.message)}
              </AlertDescription>
            </Alert>
          ) : null}
          <Form method="post" className="grid gap-4">
            <div className="grid gap-1.5">
              <Label htmlFor="token">{t("login.tokenLabel")}</Label>
              <Input id="token" name="token" type="password" autoComplete="current-password" required autoFocus aria-describedby="token-hint" />
              <p id="token-hint" className="text-xs text-muted-foreground">
                {t("login.tokenHint")}
              </p>
            </div>
            <Button type="submit" disabled={submitting}>
              {submitting ? t("login.submitting") : t("login.submit")}
            </Button>
          </Form>
        </CardContent>
      </Card>
    </main>
  );
}
