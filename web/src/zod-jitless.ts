// zod (in the page through the report's input schemas, src/report/input-schema.ts) compiles fast parsers with
// `Function` unless told not to, and probes for it once: under the page's policy (no unsafe-eval) the probe is
// a console error. Imported first by main.tsx, so it runs before any schema is built or used.
import { z } from 'zod';

z.config({ jitless: true });
