# syntax=docker/dockerfile:1
# Worker and HTTP service image. Debian-based on purpose: the Temporal SDK's native core is glibc-only.
# Node 22 LTS. test/unit/dockerfile.test.ts and test/unit/production-contents.test.ts check this file.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/clean-dist.mjs scripts/build-workflow-bundle.ts scripts/prune-native-prebuilds.mjs ./scripts/
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
# The build compiles to dist/ (without the emulator, demo and dev-server helper) and bundles the workflows into
# dist/workflow-bundle.js; the prune then drops every devDependency (tsx, jest, typescript, ...) and the Temporal
# native core built for other platforms (about 110 MB).
RUN npm run build && npm prune --omit=dev && node scripts/prune-native-prebuilds.mjs

FROM node:22-bookworm-slim
# The heap cap bounds a worker's memory: a 200,000-user / 2,000-group run peaks at 769 MiB RSS with it and 1.5 GiB
# without (bench/README.md). Raise it (and the container's memory) for larger orgs.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=700 \
    GCSYNC_DATA_DIR=/var/lib/gcsync/data \
    AUDIT_FILE=/var/lib/gcsync/audit.jsonl
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY examples ./examples
# No secret is baked in: credentials arrive at run time through the environment or *_FILE secret mounts.
RUN mkdir -p /var/lib/gcsync && chown -R node:node /var/lib/gcsync
USER node
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["worker"]
