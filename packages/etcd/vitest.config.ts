import { wegoProject } from "../../vitest.shared.ts";

export default wegoProject("etcd", import.meta.dirname);
