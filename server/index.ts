/** Process entry: validate the environment, start the hub, stop it gracefully on SIGTERM/SIGINT. */
import "dotenv/config";
import { EnvError, loadEnv } from "./env.ts";
import { startHub } from "./hub.ts";

async function main() {
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const hub = await startHub(env);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    hub.logger.info({ signal }, "shutting down");
    hub.close().then(
      () => process.exit(0),
      (error) => {
        hub.logger.error({ err: (error as Error).message }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // A bug in one request must not take every other stream down with the process.
  process.on("unhandledRejection", (reason) => hub.logger.error({ err: String(reason) }, "unhandled rejection"));
}

main().catch((error) => {
  process.stderr.write(`claude code hub failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
