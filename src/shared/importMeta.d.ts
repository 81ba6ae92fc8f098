// What the editor's build (vite) sets on import.meta: `import.meta.env.PROD` is true there. Node
// (the CLI, the server) has no `env`, and the unit tests' PROD is false.
interface ImportMeta {
  readonly env?: { readonly PROD?: boolean };
}
