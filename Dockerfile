# tempomall's image: the tempomall binary (and mallctl, once cmd/mallctl
# exists) on Debian slim, running as an unprivileged user. One image serves
# every role of docker-compose.yaml and of the Helm chart (deploy/helm):
# `serve SERVICE`, `worker`, `sandbox`, `codec`, `migrate`, `seed`,
# `setup-temporal`.
#
#   docker build -t tempomall:dev .

FROM golang:1.26 AS build
WORKDIR /src
# Static binaries (SQLite is pure Go); no VCS stamping (.git is not sent).
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# The workspace (go.work: the root module and idl/) and its dependencies
# first, so that a change of sources alone reuses the download layer. The
# tools module is outside go.work and not needed.
COPY go.work go.work.sum go.mod go.sum ./
COPY idl/go.mod idl/go.sum ./idl/
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/tempomall ./cmd/tempomall && \
    if [ -d cmd/mallctl ]; then go build -trimpath -ldflags="-s -w" -o /out/mallctl ./cmd/mallctl; fi

FROM debian:trixie-slim
# ca-certificates for TLS to external services; wget for the compose
# healthchecks (GET http://127.0.0.1:9090/readyz on the ops server).
RUN apt-get update && \
    apt-get install -y --no-install-recommends ca-certificates wget && \
    rm -rf /var/lib/apt/lists/* && \
    useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/tempomall tempomall
COPY --from=build /out/ /usr/local/bin/
USER tempomall
WORKDIR /var/lib/tempomall
# Secrets generated for lack of TEMPOMALL_* variables, and the sandbox
# gateway's state, go here; compose mounts a volume where it matters.
ENV TEMPOMALL_DATA_DIR=/var/lib/tempomall
# Kitex services 8881-8887, payment webhooks 8888, sandbox gateway 8890,
# codec server 8891, ops server (/metrics, /healthz, /readyz) 9090.
EXPOSE 8881-8888 8890 8891 9090
ENTRYPOINT ["tempomall"]
CMD ["help"]
