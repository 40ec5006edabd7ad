// runc driven on our generated OCI bundles, against the shared runtime suite.
import { runtimeSuite } from "./scenarios.js";

runtimeSuite("runc", ["runc", "unshare"]);
