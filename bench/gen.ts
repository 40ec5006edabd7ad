// Generator of large synthetic specs for the compile benchmark and the linear-time tests.

/** Realistic instruction templates (what Dockerfiles in the wild look like). */
export const TEMPLATES = [
  "RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl git \\\n    && rm -rf /var/lib/apt/lists/*",
  "COPY --chown=app:app --chmod=644 src/ /app/src/",
  "ENV TOOL_HOME=/opt/tool LANG=C.UTF-8 VERSION=${VERSION:-1.0}",
  "LABEL org.opencontainers.image.title=\"demo\" org.opencontainers.image.version=$VERSION build=$BUILD_ID",
  "WORKDIR /app/build",
  "RUN --mount=type=cache,target=/root/.cache make -j4 all && make install DESTDIR=/out",
  "EXPOSE 8080/tcp 9090/udp",
  "USER app:app",
  "CMD [\"/app/bin/server\", \"--port\", \"8080\"]",
  "ARG BUILD_ID=unknown",
];

/** A generated spec with `n` instructions after FROM (and one ARG VERSION). */
export function generateSpec(n: number): string {
  let s = "# generated\nARG VERSION=1.2.3\nFROM debian:bookworm AS base\nARG VERSION\nARG BUILD_ID=unknown\n";
  for (let i = 0; i < n; i++) s += TEMPLATES[i % TEMPLATES.length] + "\n";
  return s;
}

