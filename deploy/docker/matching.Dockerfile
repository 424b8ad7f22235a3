# syntax=docker/dockerfile:1.7
# The matching service: recommendations and outreach (NATS only, no port).
# Build from the repository root: docker build -f deploy/docker/matching.Dockerfile -t spilno/matching .

# --- dependencies: only the manifests, so this layer is rebuilt only when they change --------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/auth/package.json libs/auth/
COPY libs/config/package.json libs/config/
COPY libs/contracts/package.json libs/contracts/
COPY libs/embedded-mongo/package.json libs/embedded-mongo/
COPY libs/messaging/package.json libs/messaging/
COPY libs/testing/package.json libs/testing/
COPY services/users/package.json services/users/
COPY services/initiatives/package.json services/initiatives/
COPY services/matching/package.json services/matching/
COPY services/donations/package.json services/donations/
COPY gateway/package.json gateway/
# The versions package-lock.json pins. `npm install`, not `npm ci`: the lock cannot list other
# platforms' native binaries, so `npm ci` rejects it as out of sync (see .ci/run, npm/cli#4828).
RUN npm install --no-audit --no-fund && npm cache clean --force

# --- runtime: the same entry point `npm start` runs, TypeScript compiled on load by SWC -----
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    SWC_NODE_PROJECT=/app/tsconfig.base.json
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY package.json tsconfig.base.json ./
COPY libs libs
COPY services/matching services/matching
USER node
CMD ["node", "-r", "@swc-node/register", "services/matching/src/main.ts"]
