/**
 * POST /logout: revokes the session on the hub (a copy of the cookie stops working too), clears
 * the cookie and goes to /login.
 */
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { clearedSessionCookie } from "~/lib/session.server.ts";

export async function action({ context, request }: ActionFunctionArgs) {
  await context.logout(request.headers.get("cookie") ?? undefined);
  return redirect("/login", { headers: { "Set-Cookie": clearedSessionCookie(context) } });
}

// A GET never logs out (links get prefetched); it just goes home.
export async function loader() {
  return redirect("/");
}
