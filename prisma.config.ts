// Prisma CLI configuration. The fallback URL lets `prisma generate` run without DATABASE_URL
// (env("DATABASE_URL") would fail there, STACK-NOTES §4); the app itself reads DATABASE_URL
// through src/config.ts and never uses this file.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "mysql://placeholder@localhost/db" },
});
