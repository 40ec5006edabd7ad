// OCI and Docker media type constants (OCI image-spec media-types.md; Docker image manifest v2 schema 2).

/** OCI image manifest. */
export const MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
/** OCI image index. */
export const MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json";
/** OCI image config. */
export const MT_OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
/** OCI layer, uncompressed tar. */
export const MT_OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
/** OCI layer, gzip. */
export const MT_OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
/** OCI layer, zstd. */
export const MT_OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
/** Docker schema 2 manifest (accepted on import). */
export const MT_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
/** Docker manifest list (accepted on import). */
export const MT_DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
/** Docker config (accepted on import). */
export const MT_DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
/** Docker gzip layer (accepted on import). */
export const MT_DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/** The OCI layout version written to `oci-layout` (image-layout.md). */
export const OCI_LAYOUT_VERSION = "1.0.0";
/** Index annotation naming a tag (annotations.md). */
export const ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";
/** Manifest annotation: creation time (annotations.md). */
export const ANNOTATION_CREATED = "org.opencontainers.image.created";

/** True for any layer media type we can read (OCI or Docker, tar/gzip/zstd). */
export function isLayerMediaType(mt: string): boolean {
  return mt === MT_OCI_LAYER_TAR || mt === MT_OCI_LAYER_GZIP || mt === MT_OCI_LAYER_ZSTD || mt === MT_DOCKER_LAYER_GZIP ||
    mt === "application/vnd.docker.image.rootfs.diff.tar";
}

/** True for a single-image manifest media type (OCI or Docker). */
export function isManifestMediaType(mt: string | undefined): boolean {
  return mt === MT_OCI_MANIFEST || mt === MT_DOCKER_MANIFEST;
}

/** True for an image index / manifest list media type. */
export function isIndexMediaType(mt: string | undefined): boolean {
  return mt === MT_OCI_INDEX || mt === MT_DOCKER_MANIFEST_LIST;
}
