# Ichnos: one image for every process (`ichnos start|web|work|migrate|…`).
# Node 24 strips the TypeScript sources' types itself, so there is no compile step and no loader;
# the build stage only generates the Prisma client, which needs the dev dependencies (the prisma
# CLI). .ci/production-smoke installs and runs what the runtime stage holds (the same npm ci
# flags, the same COPY lines, read from this file) on every CI run.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# `prisma generate` needs no schema engine; this keeps it from looking for (or downloading) one.
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/false
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# The postinstall script runs `prisma generate` into generated/.
RUN npm ci && test -d generated/prisma

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the postinstall (`prisma generate`) needs the prisma CLI, a dev dependency;
# the generated client comes from the build stage instead. --omit=optional as well: npm keeps a
# dev dependency that is also an optional peer of a production one (prisma and typescript are
# optional peers of @prisma/client) under --omit=dev alone; the runtime needs no optional package.
RUN npm ci --omit=dev --omit=optional --ignore-scripts && npm cache clean --force
COPY --from=build /app/generated ./generated
COPY prisma ./prisma
COPY bin ./bin
COPY src ./src
COPY consumers ./consumers
COPY static ./static
# Read-only for the app: files stay owned by root, the process runs as the image's `node` user.
USER node
EXPOSE 8000
ENTRYPOINT ["node", "bin/ichnos.js"]
CMD ["start"]
