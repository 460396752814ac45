# syntax=docker/dockerfile:1
# One image recipe for every app: `docker build --build-arg APP=intake --target service .` (docker-compose.yml builds
# the four services and the ops CLI). The build stage compiles the whole tree with swc (`npm run build`, see
# scripts/build/build.js); the runtime stage holds only dist/ and the production node_modules, so no compiler, no
# TypeScript source and no dev dependency reaches it. scripts/build/dockerfile.spec.ts checks this file.
#
# Node 22: the floor every dependency declares (nestjs-pino 5, the release for NestJS 12, needs >= 22.12); see
# package.json engines and README "Requirements".
ARG NODE_VERSION=22

# Only the package manifests, so the dependency layers are rebuilt when they change and not on every edit.
FROM node:${NODE_VERSION}-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -path ./node_modules -prune -o \( -name package.json -o -name package-lock.json \) -print \
    | xargs cp --parents -t /manifests

# Every dependency (swc included), then the compiled tree in /src/dist.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only. The workspace links npm makes (node_modules/@orders -> libs/*) would point at
# sources the image does not hold; dist/node_modules/@orders maps the same names to the compiled packages.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/@orders

FROM node:${NODE_VERSION}-bookworm-slim AS service
ARG APP
RUN test -n "$APP" || (echo 'build with --build-arg APP=<apps/ folder name>' >&2; exit 1)
ENV NODE_ENV=production \
    APP=${APP} \
    HOST=0.0.0.0
WORKDIR /app
# Owned by root and not writable by the process: the service writes nothing to its own files.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
USER node
# PORT when set, else the app's own default from its manifest (the service listens there too).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "const p=process.env.PORT||require('./dist/apps/'+process.env.APP+'/service.json').defaultPort;fetch('http://127.0.0.1:'+p+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# dist/ holds source maps; set NODE_OPTIONS=--enable-source-maps for .ts stack traces (it slows every Error.stack).
# exec: the service is PID 1's only child and receives SIGTERM itself, for its graceful shutdown.
# --max-semi-space-size=4 (MiB): V8's young generation grows to 2 x 16 MiB by default and stays committed; capped at
# 2 x 4 MiB a service idles ~20 MiB lower (issue 20: RSS <= 150 MiB idle), at the price of more frequent scavenges.
# Here, and not in NODE_OPTIONS, so that setting NODE_OPTIONS does not drop it; npm start and the benches read the
# flags from this line (scripts/lib/runtime-flags.js).
CMD ["sh", "-c", "exec node --max-semi-space-size=4 dist/apps/$APP/main.js"]
