/** What the gateway needs from the rest of the process, passed in once at start. */
import type { Catalog } from "../catalog/catalog.ts";
import type { LogRecord, LogWriter } from "../db/log-writer.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import type { Dispatchers } from "./upstream/dispatchers.ts";
import type { ExpectedOutput } from "./limits/expected-output.ts";
import type { Hydrator } from "../domain/quota/hydrate.ts";
import type { BodyBudget } from "./body/body-budget.ts";

export interface GatewayDeps {
  env: Env;
  logger: Logger;
  catalog: Catalog;
  store: Store;
  logWriter: LogWriter;
  dispatchers: Dispatchers;
  /** Rebuilds quota counters from the ledger when the store does not trust them. */
  hydrator: Hydrator;
  /** Recent output tokens per model and key: the output side of the expected cost. */
  expectedOutput: ExpectedOutput;
  /** Epoch milliseconds; injectable so tests drive time. */
  now: () => number;
  /** Hub-wide cap on request-body bytes held at once (none when absent). */
  bodyBudget?: BodyBudget;
  /** Told about every settled request's log record (metrics, unpriced-model watch); must not throw or block. */
  onSettled?: (record: LogRecord) => void;
}
