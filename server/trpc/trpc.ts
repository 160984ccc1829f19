/**
 * tRPC: the only business API of the hub. The dashboard's loaders and actions call it through
 * a server-side caller; scripts call the same procedures as REST under /api/actions.
 *
 * Sections: context → init → procedures (public, user, admin).
 */
import { initTRPC } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError } from "zod";
import type { SecretBox } from "../auth/secrets.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { Db } from "../db/database.ts";
import type { LogWriter } from "../db/log-writer.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";
import type { Notifications } from "../notifications/notifications.ts";
import type { Store } from "../store/store.ts";
import { FieldIssues, HubError, hubError } from "./hub-errors.ts";

// ---------------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------------

/** Who is calling. */
export type Viewer =
  | { kind: "admin"; via: "admin_token" }
  | {
      kind: "user";
      userId: number;
      keyId: number;
      /** The user's role; a user with role admin and dashboard access administers the hub. */
      role: "admin" | "user";
      /** The key may log in to the dashboard (else only /my-usage). */
      canLoginWebUi: boolean;
    };

export interface Services {
  env: Env;
  db: Db;
  store: Store;
  catalog: Catalog;
  secrets: SecretBox;
  logger: Logger;
  logWriter: LogWriter;
  now: () => number;
  /** The notification service (absent where a context is built without a hub). */
  notifications?: Notifications;
}

export interface TrpcContext extends Services {
  viewer: Viewer | null;
  ip: string | undefined;
}

export function isAdmin(viewer: Viewer | null): boolean {
  return viewer?.kind === "admin" || (viewer?.kind === "user" && viewer.role === "admin" && viewer.canLoginWebUi);
}

// ---------------------------------------------------------------------------------------------
// Init
// ---------------------------------------------------------------------------------------------

const t = initTRPC
  .context<TrpcContext>()
  .meta<OpenApiMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      return {
        ...shape,
        data: {
          ...shape.data,
          // zod field errors, so forms can show them next to the field
          fieldErrors: cause instanceof ZodError ? cause.flatten().fieldErrors : cause instanceof FieldIssues ? cause.fieldErrors : undefined,
          // the hub's stable code of its own messages (hub-errors.ts), for callers that translate them
          ...(error instanceof HubError ? { hubCode: error.hubCode, hubVars: error.hubVars } : {}),
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// ---------------------------------------------------------------------------------------------
// Procedures
// ---------------------------------------------------------------------------------------------

export const publicProcedure = t.procedure;

/** Any logged-in viewer; narrows ctx.viewer to non-null. */
export const userProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.viewer) throw hubError("UNAUTHORIZED", "loginRequired");
  return next({ ctx: { ...ctx, viewer: ctx.viewer } });
});

/** Admins only. */
export const adminProcedure = userProcedure.use(({ ctx, next }) => {
  if (!isAdmin(ctx.viewer)) throw hubError("FORBIDDEN", "adminOnly");
  return next();
});

/** Dashboard users (admins, and keys allowed to log in to the dashboard). */
export const dashboardProcedure = userProcedure.use(({ ctx, next }) => {
  if (ctx.viewer.kind === "user" && !ctx.viewer.canLoginWebUi) {
    throw hubError("FORBIDDEN", "myUsageOnly");
  }
  return next();
});
