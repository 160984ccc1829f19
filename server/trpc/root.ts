/** The root router: one router per domain. */
import { auditRouter } from "./routers/audit.ts";
import { filtersRouter } from "./routers/filters.ts";
import { groupsRouter } from "./routers/groups.ts";
import { keysRouter } from "./routers/keys.ts";
import { logsRouter } from "./routers/logs.ts";
import { meRouter } from "./routers/me.ts";
import { notificationsRouter } from "./routers/notifications.ts";
import { pricesRouter } from "./routers/prices.ts";
import { providersRouter } from "./routers/providers.ts";
import { quotasRouter } from "./routers/quotas.ts";
import { rulesRouter } from "./routers/rules.ts";
import { sensitiveWordsRouter } from "./routers/sensitive-words.ts";
import { settingsRouter } from "./routers/settings.ts";
import { statsRouter } from "./routers/stats.ts";
import { usersRouter } from "./routers/users.ts";
import { availabilityRouter } from "./routers/availability.ts";
import { leaderboardRouter } from "./routers/leaderboard.ts";
import { overviewRouter } from "./routers/overview.ts";
import { sessionsRouter } from "./routers/sessions.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  me: meRouter,
  users: usersRouter,
  keys: keysRouter,
  providers: providersRouter,
  logs: logsRouter,
  stats: statsRouter,
  quotas: quotasRouter,
  prices: pricesRouter,
  settings: settingsRouter,
  rules: rulesRouter,
  groups: groupsRouter,
  sensitiveWords: sensitiveWordsRouter,
  filters: filtersRouter,
  sessions: sessionsRouter,
  leaderboard: leaderboardRouter,
  availability: availabilityRouter,
  overview: overviewRouter,
  notifications: notificationsRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;
