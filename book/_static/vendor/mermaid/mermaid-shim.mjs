// sphinxcontrib-mermaid imports mermaid as an ES module. mermaid.min.js (the
// single-file build, loaded as a classic script by _config.yml) sets
// globalThis.mermaid; this shim hands it over so that no CDN is needed.
export default globalThis.mermaid;
