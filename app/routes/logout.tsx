/** POST /logout: clears the session cookie and goes to /login. */
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { clearedSessionCookie } from "~/lib/session.server.ts";

export async function action({ context }: ActionFunctionArgs) {
  return redirect("/login", { headers: { "Set-Cookie": clearedSessionCookie(context) } });
}

// A GET never logs out (links get prefetched); it just goes home.
export async function loader() {
  return redirect("/");
}
