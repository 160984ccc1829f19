/**
 * What server.ts passes to every loader and action (see server/http/dashboard.ts). Routes use
 * `context.trpc` — the tRPC caller for the request's viewer — and never import server code.
 */
import type { Caller } from "../server/trpc/root.ts";
import type { Viewer } from "../server/trpc/trpc.ts";
import type { LoginResult } from "../server/auth/login.ts";

declare module "@remix-run/node" {
  interface AppLoadContext {
    trpc: Caller;
    viewer: Viewer | null;
    login: (token: string, address: string) => Promise<LoginResult>;
    clientAddress: string;
    secureCookies: boolean;
    sessionTtlSeconds: number;
    /** Revokes the session in this Cookie header server-side (logout). */
    logout: (cookieHeader: string | undefined) => Promise<void>;
  }
}

export {};
