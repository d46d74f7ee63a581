import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("ws", import.meta.dirname);
