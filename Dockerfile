# One image for both application processes (worker and webhook server); docker-compose.yml picks
# the process with `command:`. The image holds compiled JavaScript and the prebundled workflow
# code (scripts/build.ts): node runs them, with no TypeScript tooling at run time.

# --- build: every dependency, then `npm run build` into dist/ -----------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The npm bundled with node 20 ignores the `allowScripts` policy in package.json and would run
# every dependency's install script; the npm that wrote the lockfile enforces it.
RUN npm install --global npm@11.19.1 --no-audit --no-fund
COPY package.json package-lock.json ./
# `npm install` with the lockfile rather than `npm ci`: npm ci insists on lockfile entries for
# every other platform's optional native packages, which a registry mirror may not carry (same as
# scripts/ensure-node-deps.sh).
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build

# --- deps: production dependencies only, installed from the lockfile -----------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN npm install --global npm@11.19.1 --no-audit --no-fund
COPY package.json package-lock.json ./
# Dev dependencies (tsx, esbuild, vitest, eslint, playwright, the test server client) stay in the
# build stage.
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime -----------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
# Inside a container the webhook server must listen on every interface to be reachable at all;
# the config default (127.0.0.1) is right only for the local stack. The worker loads the workflow
# code bundled at build time instead of bundling it at every start.
ENV NODE_ENV=production \
    WEBHOOK_HOST=0.0.0.0 \
    WEBHOOK_PORT=3000 \
    DATA_DIR=/app/.data \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
# Owned by root and read-only for the app user: a compromised process cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
# package.json says the compiled files are ES modules.
COPY package.json ./
COPY --from=build /app/dist ./dist
# DATA_DIR, the only place the app may write (the embedded PostgreSQL would live here if
# DATABASE_URL were unset).
RUN mkdir -p /app/.data && chown node:node /app/.data
# `node` (uid 1000) ships with the base image.
USER node
EXPOSE 3000
# Only the webhook server answers HTTP; the worker service disables this check in compose.
# Slim images have no curl, so node's own fetch does the probe.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WEBHOOK_PORT || 3000) + '/health/ready', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/client/webhooks/main.js"]
