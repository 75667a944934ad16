# Ichnos: one image for every process (`ichnos start|web|work|migrate|…`).
# The app runs its TypeScript sources through tsx, so there is no compile step; the build stage
# only generates the Prisma client, which needs the dev dependencies (the prisma CLI).

FROM node:22-bookworm-slim AS build
WORKDIR /app
# `prisma generate` needs no schema engine; this keeps it from looking for (or downloading) one.
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/false
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# The postinstall script runs `prisma generate` into generated/.
RUN npm ci && test -d generated/prisma

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the postinstall (`prisma generate`) needs the prisma CLI, a dev dependency;
# the generated client comes from the build stage instead.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/generated ./generated
COPY prisma.config.ts tsconfig.json ./
COPY prisma ./prisma
COPY bin ./bin
COPY src ./src
COPY consumers ./consumers
# Read-only for the app: files stay owned by root, the process runs as the image's `node` user.
USER node
EXPOSE 8000
ENTRYPOINT ["node", "bin/ichnos.js"]
CMD ["start"]
