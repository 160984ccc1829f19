/**
 * A hub in its own operating-system process (server/index.ts run by tsx) that a test can signal:
 * SIGTERM to watch a graceful stop, SIGKILL to watch a crash, then start again on the same data
 * directory and database. Unlike hub-process.ts (a peer of an in-process hub), the test chooses
 * the database, the data directory and any environment variable.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { TEST_REDIS_URL } from "./databases.ts";
import { TEST_ADMIN_TOKEN } from "./hub.ts";

export interface HubChild {
  url: string;
  pid: number;
  /** Resolves when the process has exited, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal (SIGTERM, SIGKILL). */
  signal(signal: NodeJS.Signals): void;
  /** The process's log lines (pino JSON), for diagnosis. */
  logs: string[];
  /** Stops it if it still runs (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
}

export interface HubChildOptions {
  databaseUrl: string;
  dataDir: string;
  redisKeyPrefix: string;
  env?: Record<string, string>;
}

const ROOT = path.resolve(import.meta.dirname, "..");
const START_TIMEOUT_MS = 60_000;

export async function startHubChild(options: HubChildOptions): Promise<HubChild> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      APP_PORT: "0",
      APP_HOST: "127.0.0.1",
      DSN: options.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: options.redisKeyPrefix,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      ENCRYPTION_KEY: "0".repeat(64),
      DATA_DIR: options.dataDir,
      LOG_LEVEL: "info",
      ENABLE_SECURE_COOKIES: "false",
      ...options.env,
    },
  });
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  child.stderr!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub process did not start in time: ${logs.join("\n")}`)), START_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === "claude code hub is listening" && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`hub process exited (${code ?? signal}) before listening: ${logs.join("\n")}`));
    });
  }).catch(async (error) => {
    await stopChild(child, exited);
    throw error;
  });
  return {
    url,
    pid: child.pid!,
    exited,
    logs,
    signal: (signal) => void child.kill(signal),
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
  child.kill("SIGTERM");
  await exited;
  clearTimeout(kill);
}
