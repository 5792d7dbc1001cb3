# Build: docker build --build-arg VERSION=$(git describe --tags --always) --build-arg REVISION=$(git rev-parse HEAD) -t newsbot .
# Run:   docker run -d --name newsbot --restart unless-stopped --stop-timeout 30 \
#          -v newsbot-data:/data -e TELEGRAM_BOT_TOKEN=123456789:AAE-your-token \
#          -e NEWSBOT_ADMINS=11111111 -p 127.0.0.1:8080:8080 newsbot
# The bot runs as uid 65532: a bind mount on /data must be writable by it
# (chown 65532:65532 on the host, or docker run --user). It may take a little
# over 10 s to stop, Docker's default grace: hence --stop-timeout 30.
# README.md, "Docker", explains each of these.

FROM golang:1.26 AS build
WORKDIR /src

# Dependencies in their own layer: rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
# The build context has no .git (.dockerignore): the commit comes as REVISION.
ARG VERSION=dev
ARG REVISION=
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.revision=${REVISION} \
        -X main.buildTime=$(date -u +%Y-%m-%dT%H:%M:%SZ)" -o /out/newsbot ./cmd/newsbot

# The runtime image has no shell to create the data directory: make it here,
# owned by distroless's nonroot user (65532), and copy it over.
RUN mkdir -p /out/data && chown 65532:65532 /out/data && chmod 0750 /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/newsbot /newsbot
COPY --from=build --chown=65532:65532 /out/data /data

ENV NEWSBOT_DB=/data/newsbot.db \
    NEWSBOT_HTTP_ADDR=:8080
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/newsbot", "healthcheck"]
ENTRYPOINT ["/newsbot"]
