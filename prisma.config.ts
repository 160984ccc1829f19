import "dotenv/config";
import { defineConfig } from "prisma/config";
import { migrateAdapter } from "./prisma/migrate-adapter";

// The Prisma CLI runs its Wasm schema engine through a driver adapter ("engine: js"), so no
// engine binary is downloaded (see docs/decisions/0002-prisma-6-engine-js.md).
// The CLI is only for authoring migrations; the hub applies them itself at start.
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/postgres";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => migrateAdapter(process.env.DATABASE_URL!),
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
