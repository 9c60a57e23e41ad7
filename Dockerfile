# Tandem: the same install/build/start steps as outside Docker (`npm ci`, `npm run build`, `node server/dist/main.js`).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY common/package.json common/
COPY server/package.json server/
COPY editor/package.json editor/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund
COPY common common
COPY server server
COPY editor editor
# The server's build compiles common (the contract both sides import) first.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/common/package.json common/
COPY --from=build /app/common/dist common/dist
COPY --from=build /app/server/package.json server/
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/editor/dist editor/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM → graceful shutdown: sockets closed with 1001, every document flushed and compacted, exit 0.
STOPSIGNAL SIGTERM
CMD ["node", "server/dist/main.js"]
