/** The root router: one router per domain. */
import { keysRouter } from "./routers/keys.ts";
import { logsRouter } from "./routers/logs.ts";
import { meRouter } from "./routers/me.ts";
import { providersRouter } from "./routers/providers.ts";
import { statsRouter } from "./routers/stats.ts";
import { usersRouter } from "./routers/users.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  me: meRouter,
  users: usersRouter,
  keys: keysRouter,
  providers: providersRouter,
  logs: logsRouter,
  stats: statsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;
