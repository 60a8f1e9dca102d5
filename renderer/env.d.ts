// Vite's client types: lets TypeScript accept CSS side-effect imports.
/// <reference types="vite/client" />
