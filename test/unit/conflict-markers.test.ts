import { describe, expect, it } from 'vitest';
import { hasConflictMarkers } from '../../src/update/conflict-markers.js';

describe('hasConflictMarkers', () => {
  it('finds a block whose markers start lines', () => {
    expect(hasConflictMarkers('a\n<<<<<<< yours\nb\n=======\nc\n>>>>>>> new template\n')).toBe(true);
  });
  it('ignores a lone marker-like line, and markers inside a line', () => {
    expect(hasConflictMarkers('<<<<<<< just a heading\nnothing closes it\n')).toBe(false);
    expect(hasConflictMarkers('x = "<<<<<<< a" + ">>>>>>> b"\n')).toBe(false);
  });
});
