import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("cli", import.meta.dirname);
