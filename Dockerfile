# gridcode scoring service image. Two stages:
#   build    the README's install: `npm ci` (its prepare script builds the WASM
#            engine, the protobuf code and the TypeScript into build/, gen/, dist/)
#   runtime  production dependencies only, the built files, a non-root user;
#            node is PID 1 and drains on SIGTERM itself (gateway/stop-signals.ts),
#            and it starts no child processes, so no init is needed to reap them
#            (`docker run --init` does no harm).
# The build steps are tested against the README (tests/ops/dockerfile.test.ts),
# and run as written in a clean copy by `npm run docker-steps` (bench/tools/docker-steps.ts).
# docs/operations/deployment.md: how to run it, the memory it needs.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# The commit for the gridcode_build_info metric (.git is not in the build context).
ARG GRIDCODE_COMMIT=unknown
ENV NODE_ENV=production \
    GRIDCODE_COMMIT=${GRIDCODE_COMMIT} \
    GRIDCODE_HOST=0.0.0.0 \
    GRIDCODE_PORT=8080 \
    GRIDCODE_GRPC_PORT=8081
WORKDIR /app
COPY package.json package-lock.json asconfig.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY rules ./rules
COPY --from=build /src/dist ./dist
COPY --from=build /src/build ./build
COPY --from=build /src/gen ./gen
# Everything above belongs to root and is read-only for the service.
USER node
EXPOSE 8080 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || process.env.GRIDCODE_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# GRIDCODE_HOST=0.0.0.0 needs tokens (GRIDCODE_TOKENS_FILE) and a metrics token (GRIDCODE_METRICS_TOKEN_FILE),
# or GRIDCODE_INSECURE_NO_AUTH=true on a trusted network: without them it refuses to start, saying so.
CMD ["node", "dist/gateway/main.js"]
