// Vite's client types: the stylesheet import in main.tsx.
/// <reference types="vite/client" />
