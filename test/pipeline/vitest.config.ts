// One typed handler served on all seven transports by one app.
import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("pipeline", import.meta.dirname, { include: ["*.test.ts"] });
