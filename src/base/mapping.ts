// Whether a parsed value (YAML or JSON) is a mapping: an object that is neither null nor a list.

export const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
