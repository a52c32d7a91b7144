# The Seattle energy API: the server, its production dependencies and the model bundles, nothing else.
# Builds unchanged with `docker build .`; deploy/container/build-image.sh builds it with buildah where there is no
# Docker engine. The base is pinned by exact version (pin by digest too once a registry is in reach).
# Node.js 24 LTS (maintained until April 2028); development machines may run Node 20 (package.json `engines`).
ARG NODE_VERSION=24.22.3

# Build stage: every dependency (TypeScript included), the whole workspace compiled and the server bundled into one
# file, then `pnpm deploy` copies the server package with its production dependencies only (workspace packages
# included as plain copies) to /app, the path the runtime stage uses (Node's compile cache is keyed by path).
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
# Manifests first, so the install layer is reused for as long as the lockfile does not change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/runtime/package.json packages/runtime/
COPY packages/schema/package.json packages/schema/
COPY packages/server/package.json packages/server/
# The pnpm version pinned in package.json ("packageManager"), installed with npm: corepack's signature check is
# avoided on purpose so that the build also works against registry mirrors.
RUN npm install --global --no-fund --no-audit --no-update-notifier \
      "$(node -p 'require("./package.json").packageManager')" \
 && pnpm install --frozen-lockfile --reporter=append-only
COPY tsconfig.json tsconfig.base.json ./
COPY packages packages
# pnpm 10 deploys a workspace that does not inject its packages only with --legacy. What Node never reads at run time
# then goes: source maps, TypeScript sources and declarations, and markdown of the dependencies (about a third of
# their size; licences stay), and the server package's own README.
RUN node node_modules/typescript/bin/tsc -b \
 && node packages/server/scripts/bundle.mjs \
 && pnpm --filter @seattle-energy/server deploy --prod --legacy /app \
 && rm -f /app/dist/.tsbuildinfo /app/*.md \
 && find /app/node_modules -type f \( -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \
      -o -name '*.md' -o -name '*.markdown' \) -delete
COPY models /app/models
# Node's module compile cache: the bundled server started once, as the `node` user (the cache is kept per user id),
# so that a new container reads V8's compiled code instead of compiling the bundle again; then made read-only.
RUN install -d -o node -g node /app/.node-compile-cache \
 && MODELS_DIR=/app/models node packages/server/scripts/prime-compile-cache.mjs /app/dist/serve.bundle.js \
      /app/.node-compile-cache "$(id -u node)" "$(id -g node)" \
 && chown -R root:root /app/.node-compile-cache && chmod -R a+rX,go-w /app/.node-compile-cache

# Runtime stage: the official slim image, the deployed server and the models, run as the image's `node` user.
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    MODELS_DIR=/app/models \
    NODE_COMPILE_CACHE=/app/.node-compile-cache
WORKDIR /app
# Owned by root: the `node` user reads the code, the models and the compile cache but cannot change them.
COPY --from=build /app ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# The bundled server (one file to load); a 1 MiB young generation keeps the resident memory about 20 MB lower.
CMD ["node", "--max-semi-space-size=1", "/app/dist/serve.bundle.js"]
