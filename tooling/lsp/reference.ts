// Reference text for hover and completion: one entry per instruction and per flag, from
// docs/language.md (kept short; the language reference stays the full story).

/** Syntax line and summary of each instruction keyword. */
export const INSTRUCTION_DOCS: Readonly<Record<string, { syntax: string; doc: string }>> = {
  FROM: { syntax: "FROM [--platform=P] image[:tag][@digest] [AS name]", doc: "Starts a build stage from an image, `scratch`, or an earlier stage's name. Variables from global ARGs are allowed." },
  RUN: { syntax: "RUN [--mount=…] [--network=…] [--security=…] [--device=…] command | [\"exe\", \"arg\"…]", doc: "Runs a command in the stage's filesystem; its changes form a new layer. Shell form runs through SHELL; heredocs (`<<EOF`) are inlined." },
  CMD: { syntax: "CMD [\"exe\", \"arg\"…] | CMD command", doc: "The image's default command (the last CMD wins)." },
  LABEL: { syntax: "LABEL key=value …", doc: "Adds image labels." },
  MAINTAINER: { syntax: "MAINTAINER name", doc: "Deprecated (VS1014): stored as the `maintainer` label. Use `LABEL org.opencontainers.image.authors=…`." },
  EXPOSE: { syntax: "EXPOSE port[-port][/tcp|udp|sctp] …", doc: "Declares ports the image listens on (metadata; see PUBLISH to publish them from a VM)." },
  ENV: { syntax: "ENV key=value … | ENV key value", doc: "Sets environment variables for later instructions and the image. Values see the environment before this instruction." },
  ADD: { syntax: "ADD [--chown --chmod --link --keep-git-dir --checksum --unpack --exclude] src… dest", doc: "Copies files, URLs or git sources into the stage; local archives are unpacked." },
  COPY: { syntax: "COPY [--from --chown --chmod --link --parents --exclude] src… dest", doc: "Copies files from the build context, an earlier stage (`--from=name`) or an image." },
  ENTRYPOINT: { syntax: "ENTRYPOINT [\"exe\", \"arg\"…] | ENTRYPOINT command", doc: "The image's entrypoint; resets a CMD inherited from a base stage." },
  VOLUME: { syntax: "VOLUME path … | VOLUME [\"path\"…]", doc: "Declares volume mount points." },
  USER: { syntax: "USER user[:group]", doc: "The user (and group) for later RUN steps and the image." },
  WORKDIR: { syntax: "WORKDIR path", doc: "Sets (and creates) the working directory; relative paths resolve against the previous WORKDIR." },
  ARG: { syntax: "ARG name[=default] …", doc: "Declares a build argument (`--build-arg name=value`). Before the first FROM: global, usable in FROM; re-declare inside a stage to use it there." },
  ONBUILD: { syntax: "ONBUILD instruction", doc: "Records a trigger that runs at the start of stages built FROM this one (not ONBUILD, FROM, MAINTAINER or INCLUDE)." },
  STOPSIGNAL: { syntax: "STOPSIGNAL signal", doc: "The signal that stops the container (`SIGTERM`, or a number 1–64)." },
  HEALTHCHECK: { syntax: "HEALTHCHECK NONE | HEALTHCHECK [--interval --timeout --start-period --start-interval --retries] CMD command", doc: "How to check that the container still works." },
  SHELL: { syntax: "SHELL [\"exe\", \"arg\"…]", doc: "The shell used by later shell-form instructions (default `[\"/bin/sh\", \"-c\"]`)." },
  MACHINE: { syntax: "MACHINE cpus=N memory=SIZE disk=SIZE arch=ARCH launch=container|vm", doc: "vmspec: the machine the image runs on. Sizes take `K M G T` / `KiB MiB GiB TiB` (binary) or `KB MB GB TB` (decimal)." },
  KERNEL: { syntax: "KERNEL --distro=NAME:SUITE [--package=NAME[=VERSION]] | --file=PATH [cmdline…]", doc: "vmspec: where the VM kernel comes from, and its command line." },
  NETWORK: { syntax: "NETWORK user|none", doc: "vmspec: the machine's network (user-mode networking by default)." },
  PUBLISH: { syntax: "PUBLISH [hostIp:]hostPort:guestPort[/tcp|udp] …", doc: "vmspec: publishes guest ports on the host." },
  PACKAGES: { syntax: "PACKAGES --distro=debian:SUITE [--arch=A] name[=version] …", doc: "vmspec: declarative distribution packages, resolved and verified by the builder (no shell)." },
  INCLUDE: { syntax: "INCLUDE path", doc: "vmspec: splices in another spec's instructions (path relative to this file)." },
};

/** Flag docs: instruction → flag → text. */
export const FLAG_DOCS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  FROM: { platform: "Platform of the base image, `os/arch[/variant]` (e.g. `linux/arm64`)." },
  RUN: {
    mount: "A mount for this step: `type=bind|cache|tmpfs|secret|ssh` with `target=`, `source=`, `from=`, `id=`, `sharing=`, `mode=`, `uid=`, `gid=`, `size=`, `env=`, `required`, `ro|rw`. Repeatable.",
    network: "`default`, `none` or `host`.",
    security: "`sandbox` (default) or `insecure`.",
    device: "A device for this step: `NAME[,required[=BOOL]]`. Repeatable.",
  },
  COPY: {
    from: "Copy from an earlier stage (name or index) or an image instead of the build context.",
    chown: "Owner of the copied files: `user[:group]` (names or ids).",
    chmod: "Mode of the copied files: octal (`755`) or symbolic (`u+x`).",
    link: "Copy into an independent layer (`--link`).",
    parents: "Keep the source's parent directories under the destination.",
    exclude: "A glob of sources to leave out. Repeatable.",
  },
  ADD: {
    chown: "Owner of the added files: `user[:group]`.",
    chmod: "Mode of the added files.",
    link: "Add into an independent layer.",
    "keep-git-dir": "Keep the `.git` directory of a git source.",
    checksum: "Expected digest of a URL source (`sha256:…`).",
    unpack: "Unpack (or not) a local archive source.",
    exclude: "A glob of sources to leave out. Repeatable.",
  },
  HEALTHCHECK: {
    interval: "Time between checks (Go duration, e.g. `30s`).",
    timeout: "Time after which a check fails.",
    "start-period": "Start-up time during which failures do not count.",
    "start-interval": "Time between checks during the start period.",
    retries: "Consecutive failures before the container is unhealthy.",
  },
  PACKAGES: { distro: "The distribution, `debian:SUITE` (e.g. `debian:trixie`). Required.", arch: "A Debian architecture (default: the stage's)." },
  KERNEL: { distro: "Use this distribution's kernel package for the machine's arch (`debian:SUITE`).", package: "The kernel package, `NAME[=VERSION]` (default `linux-image-<arch>`).", file: "A kernel image from the build context." },
};

/** MACHINE keys with their docs and completion values. */
export const MACHINE_KEYS: Readonly<Record<string, { doc: string; values: readonly string[] }>> = {
  cpus: { doc: "Number of CPUs, 1–512 (default 1).", values: ["1", "2", "4", "8"] },
  memory: { doc: "Memory size (default 512M).", values: ["256M", "512M", "1GiB", "2GiB", "4GiB"] },
  disk: { doc: "Disk size (default 2G).", values: ["1G", "2G", "4G", "8G", "16G"] },
  arch: { doc: "Architecture: amd64, arm64 or riscv64 (aliases x86_64, aarch64).", values: ["amd64", "arm64", "riscv64"] },
  launch: { doc: "Default launch mode of `vmspec run`: container or vm.", values: ["container", "vm"] },
};

/** Size units accepted by MACHINE memory/disk. */
export const SIZE_UNITS = ["K", "M", "G", "T", "KiB", "MiB", "GiB", "TiB", "KB", "MB", "GB", "TB"] as const;
