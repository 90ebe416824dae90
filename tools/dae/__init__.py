"""The migration kit for teams on Auth0's Delegated Administration extension (docs/migration.md).

- `forwarding`: `make dae-hooks URL=...` writes the JavaScript to paste into the extension's hook
  editor (one forwarding hook per hook type) and the Post User Registration Action, from
  template.yaml's routes and the hook-type registry (`dahooks.hook_types`).
- `export`: the extension's stored configuration document, read and checked.
- `constructs`: what the porting guide (docs/porting.md) covers, as patterns found in a hook's source.
- `importer`: `make import-dae FILE=export.json` writes the document's custom data through the
  storage layer (versioned, audited, limited) and each hook's JavaScript beside its Python port.
"""
