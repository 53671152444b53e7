import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest.ts';

describe('did-you-mean suggestions', () => {
  it('suggests the closest id and nothing for unrelated words', () => {
    expect(closest('aurcore-32x40g', ['aurcore-32x400g', 'aurcore-32x100g'])).toBe('aurcore-32x400g');
    expect(closest('zzzzzz', ['aurcore-32x400g'])).toBeUndefined();
  });

  it('counts insertions, deletions and substitutions (Levenshtein)', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
