import { packageBuild } from "../../tsup.shared.ts";

// A bin: no declarations, no maps.
export default packageBuild({ dts: false, sourcemap: false });
