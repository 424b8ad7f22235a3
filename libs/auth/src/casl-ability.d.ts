// @casl/ability declares its types only in package.json "exports", which this workspace's
// `moduleResolution: node` does not read (and switching resolution breaks other libraries'
// deep imports). These lines point the compiler at the same declaration files.
declare module '@casl/ability' {
  export * from '@casl/ability/dist/types/index';
}
declare module '@casl/ability/extra' {
  export * from '@casl/ability/dist/types/extra/index';
}
