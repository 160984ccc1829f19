/**
 * A second hub in its own operating-system process (server/index.ts run by tsx), for tests
 * that must show instances share nothing but PostgreSQL and Redis: no module state, no cache,
 * no event emitter in common with the test's own hub.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { TEST_REDIS_URL } from "./databases.ts";
import { TEST_ADMIN_TOKEN, type TestHub } from "./hub.ts";

export interface HubProcess {
  url: string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "..");
const START_TIMEOUT_MS = 60_000;

/** Starts a hub process on the same database and Redis key prefix as `peerOf`. */
export async function startHubProcess(peerOf: TestHub, redisKeyPrefix: string): Promise<HubProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "cch-proc-"));
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      APP_PORT: "0",
      APP_HOST: "127.0.0.1",
      DSN: peerOf.database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      ENCRYPTION_KEY: "0".repeat(64),
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      ENABLE_SECURE_COOKIES: "false",
      SHUTDOWN_GRACE_MS: "2000",
    },
  });
  const stderr: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  try {
    const url = await listeningUrl(child, stderr);
    return { url, stop: () => stop(child).finally(() => rmSync(dataDir, { recursive: true, force: true })) };
  } catch (error) {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The URL from the hub's "listening" log line (pino JSON on stdout). */
function listeningUrl(child: ChildProcess, stderr: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub process did not start in time: ${stderr.join("")}`)), START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
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
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hub process exited with ${code}: ${stderr.join("")}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
