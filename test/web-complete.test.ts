// The scenario editor's field-name completion (web/src/complete.ts) against the scenario's own JSON Schema (the
// one GET /api/schema serves and `aifabric schema` prints): the names offered are the schema's fields at the
// cursor's place in the YAML, by the word typed.
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../src/scenario/schema.ts';
import { completions, type JsonSchema, pathAtCursor } from '../web/src/complete.ts';

const schema = scenarioJsonSchema() as JsonSchema;
const names = (before: string) => completions(schema, before).names.sort();

describe('field-name completion in the scenario editor', () => {
  it('finds the mapping path at the cursor by indentation, list items as []', () => {
    expect(pathAtCursor('net')).toEqual({ path: [], partial: 'net' });
    expect(pathAtCursor('fabric:\n  ho')).toEqual({ path: ['fabric'], partial: 'ho' });
    expect(pathAtCursor('traffic:\n  - pat')).toEqual({ path: ['traffic', '[]'], partial: 'pat' });
    expect(pathAtCursor('traffic:\n  - pattern: incast\n    sen')).toEqual({ path: ['traffic', '[]'], partial: 'sen' });
    expect(pathAtCursor('network:\n  ecn:\n    km')).toEqual({ path: ['network', 'ecn'], partial: 'km' });
    // After a colon (a value is being typed) and in flow style: nothing.
    expect(pathAtCursor('fabric: { ho')).toBeNull();
    expect(pathAtCursor('fabric:\n  hosts: 1')).toBeNull();
  });

  it("offers the schema's field names there, by the word typed", () => {
    expect(names('net')).toEqual(['network']);
    expect(names('fabric:\n  ho')).toEqual(['hosts', 'hostsPerLeaf']);
    expect(names('traffic:\n  - pat')).toEqual(['pattern']);
    expect(names('traffic:\n  - pattern: incast\n    rec')).toEqual(['receiver']);
    expect(names('network:\n  ecn:\n    km')).toEqual(['kmax', 'kmin']);
    // An empty word: every field of the section, none of another's.
    const network = names('network:\n  pfc: true\n  ');
    expect(network).toContain('ecn');
    expect(network).not.toContain('hosts');
    expect(names('fabric:\n  bogus')).toEqual([]);
  });
});
