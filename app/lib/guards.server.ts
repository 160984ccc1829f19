/**
 * Guards for loaders and actions. They throw Responses (redirects, 403, 404) so a route reads
 * top to bottom: `const viewer = requireAdmin(context);` and then the happy path.
 */
import { redirect, type AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import { parseForm } from "../forms/form-data.ts";
import type { ActionResult } from "./action-result.ts";
import { fieldErrorsFromTrpc, isTrpcError, trpcErrorMessage } from "./trpc-errors.ts";

export type Viewer = NonNullable<AppLoadContext["viewer"]>;

/** Same rule as the hub's isAdmin: the admin token, or an admin user's key with dashboard access. */
export function isAdminViewer(viewer: Viewer | null): boolean {
  return viewer?.kind === "admin" || (viewer?.kind === "user" && viewer.role === "admin" && viewer.canLoginWebUi);
}

/** Where a logged-in viewer belongs: the dashboard, or /my-usage for keys without dashboard access. */
export function homeFor(viewer: Viewer): "/dashboard" | "/my-usage" {
  return viewer.kind === "user" && !viewer.canLoginWebUi ? "/my-usage" : "/dashboard";
}

export function requireViewer(context: AppLoadContext): Viewer {
  if (!context.viewer) throw redirect("/login");
  return context.viewer;
}

/** Dashboard pages: keys without dashboard access are sent to their own usage page. */
export function requireDashboard(context: AppLoadContext): Viewer {
  const viewer = requireViewer(context);
  if (homeFor(viewer) !== "/dashboard") throw redirect("/my-usage");
  return viewer;
}

export function requireAdmin(context: AppLoadContext): Viewer {
  const viewer = requireDashboard(context);
  if (!isAdminViewer(viewer)) throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
  return viewer;
}

/** Turns a tRPC error into the Response a page should show (login, 403 or 404); else rethrows. */
function asResponse(error: unknown): unknown {
  if (!isTrpcError(error)) return error;
  switch (error.code) {
    case "UNAUTHORIZED":
      return redirect("/login");
    case "FORBIDDEN":
      return new Response("Forbidden", { status: 403, statusText: "Forbidden" });
    case "NOT_FOUND":
      return new Response("Not found", { status: 404, statusText: "Not Found" });
    default:
      return error;
  }
}

/** Awaits a tRPC query for a loader. */
export async function query<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw asResponse(error);
  }
}

/**
 * Runs a tRPC mutation for an action and reports the outcome as data for the form: validation
 * and business errors (duplicate name, not found) come back as messages; a lost session still
 * redirects to /login.
 */
export async function mutate<T>(intent: string, call: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, intent, result: await call() };
  } catch (error) {
    if (!isTrpcError(error)) throw error;
    if (error.code === "UNAUTHORIZED") throw redirect("/login");
    if (error.code === "BAD_REQUEST") {
      const fieldErrors = fieldErrorsFromTrpc(error);
      if (Object.keys(fieldErrors).length) return { ok: false, intent, fieldErrors, formError: "form.fixErrors" };
    }
    return { ok: false, intent, formError: trpcErrorMessage(error) };
  }
}

/** The answer to a post the page's own forms cannot produce (unknown intent, missing row id). */
export function invalidRequest(intent: string): ActionResult<never> {
  return { ok: false, intent, formError: "form.invalidRequest" };
}

/**
 * A form submission: validates the form against its schema and, when it is valid, runs the
 * mutation with the parsed data (reported as mutate() does); else answers with the field errors.
 */
export async function submit<S extends z.ZodType, T>(
  intent: string,
  form: FormData,
  schema: S,
  call: (data: z.output<S>) => Promise<T>,
): Promise<ActionResult<T>> {
  const parsed = parseForm(schema, form);
  if (!parsed.ok) return { ok: false, intent, fieldErrors: parsed.fieldErrors, formError: "form.fixErrors" };
  return mutate(intent, () => call(parsed.data));
}
