# Build: docker build --build-arg VERSION=$(git describe --tags --always) -t newsbot .
# Run:   docker run -d -v newsbot-data:/data -e TELEGRAM_BOT_TOKEN_FILE=/run/secrets/bot_token newsbot

FROM golang:1.26 AS build
WORKDIR /src

# Dependencies in their own layer: rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/newsbot ./cmd/newsbot

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
