import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("grpc", import.meta.dirname);
