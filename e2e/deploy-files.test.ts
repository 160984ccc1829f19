/**
 * No Docker engine runs on the CI machine, so the image cannot be built here. What can be
 * checked is checked: the compose file parses and wires the three services together with
 * health checks, and every path the Dockerfile copies out of the build stage is produced by
 * `npm run build` (or committed).
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

describe("docker-compose.yml", () => {
  const compose = parse(readFileSync("docker-compose.yml", "utf8")) as {
    services: Record<string, { healthcheck?: unknown; ports?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }> }>;
  };

  it("runs the app beside PostgreSQL and Redis, each with a health check", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["app", "postgres", "redis"]);
    for (const service of Object.values(compose.services)) expect(service.healthcheck).toBeDefined();
    expect(compose.services.app.depends_on).toEqual({ postgres: { condition: "service_healthy" }, redis: { condition: "service_healthy" } });
  });

  it("publishes port 23000 and points the app at both services", () => {
    expect(compose.services.app.ports).toEqual(["${APP_PORT:-23000}:23000"]);
    expect(compose.services.app.environment?.DSN).toMatch(/@postgres:5432\//);
    expect(compose.services.app.environment?.REDIS_URL).toBe("redis://redis:6379");
    expect(compose.services.app.environment?.NODE_ENV).toBe("production");
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync("Dockerfile", "utf8");

  it("is multi-stage and runs as a non-root user", () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it("copies only paths that the build produces or the repository holds", () => {
    const copied = [...dockerfile.matchAll(/^COPY --from=build \/app\/(\S+)/gm)].map((m) => m[1]);
    expect(copied).toContain("dist");
    // `npm test` builds before this file runs in CI; locally, build first.
    for (const path of copied) expect(existsSync(path), `${path} missing: run npm run build`).toBe(true);
    expect(existsSync("dist/server.js")).toBe(true);
  });
});
