import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("timer", import.meta.dirname);
