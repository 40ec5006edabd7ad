// crun driven on our generated OCI bundles (in a private mount namespace on hybrid cgroup hosts).
import { runtimeSuite } from "./scenarios.js";

runtimeSuite("crun", ["crun", "unshare"]);
