/**
 * @module @wego/etcd — etcd for wego: a distributed config layer (governance
 * rules, the log level, any key) watched live, over the etcd3 client.
 */
export { createEtcdConfigSource, type EtcdConfigOptions, etcdConfig } from "./etcd-config-source.js";
export { createEtcdRegistry, type EtcdRegistryOptions } from "./etcd-registry.js";
