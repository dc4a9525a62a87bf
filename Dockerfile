# docker devlogs as a container: the static binary alone, FROM scratch,
# running as a non-root user.
#
# `make image` builds bin/docker-devlogs (CGO_ENABLED=0) and then this file:
# no base image is pulled, so it builds without a registry. Releases build the
# same file once per platform with goreleaser, which places the binary it
# built for that platform at the same path (see .goreleaser.yaml).
FROM scratch
ARG BINARY=bin/docker-devlogs
COPY ${BINARY} /docker-devlogs
# 65532 is the conventional "nonroot" user; the Docker socket is reached
# through group_add with the socket's group (see examples/sidecar).
USER 65532:65532
ENTRYPOINT ["/docker-devlogs"]
