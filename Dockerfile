# syntax=docker/dockerfile:1
# One image recipe for every service shell: `docker build --build-arg APP=intake --target service .`
# (docker-compose.yml builds all three). The services run their TypeScript through @swc-node/register,
# exactly as `npm start` does, so there is no separate build output to drift from the sources.
ARG NODE_VERSION=20

# Only the package manifests, so the dependency layer is rebuilt when they change and not on every edit.
FROM node:${NODE_VERSION}-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -path ./node_modules -prune -o \( -name package.json -o -name package-lock.json \) -print \
    | xargs cp --parents -t /manifests

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS service
ARG APP
RUN test -n "$APP" || (echo 'build with --build-arg APP=<apps/ folder name>' >&2; exit 1)
ENV NODE_ENV=production \
    APP=${APP} \
    HOST=0.0.0.0 \
    SWC_NODE_PROJECT=/app/tsconfig.json
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.base.json tsconfig.json .swcrc.json ./
COPY libs ./libs
COPY apps ./apps
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec: the service is PID 1's only child and receives SIGTERM itself, for its graceful shutdown.
CMD ["sh", "-c", "exec node -r @swc-node/register apps/$APP/src/main.ts"]
